// Undo steps collected while a container is being set up, run in reverse when a later step fails,
// so a failed create leaves no mounts, cgroups, processes or state behind.
export class Rollback {
  private readonly steps: Array<{ what: string; undo: () => void }> = [];

  add(what: string, undo: () => void): void {
    this.steps.push({ what, undo });
  }

  /** Runs every undo step (newest first); returns the ones that failed, described. */
  run(): string[] {
    const failures: string[] = [];
    for (const s of this.steps.splice(0).reverse()) {
      try {
        s.undo();
      } catch (err) {
        failures.push(`${s.what}: ${(err as Error).message}`);
      }
    }
    return failures;
  }

  /** Forgets the steps: the set-up succeeded. */
  commit(): void {
    this.steps.length = 0;
  }
}

// The version containerd-ts reports (Version service, ctr-ts version): containerd's API level it
// follows, then its own.
export const VERSION = '1.6.20+ts.0.1.0';
export const REVISION = 'containerd-ts';

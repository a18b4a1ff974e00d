#!/usr/bin/env node
// ctr-ts: the low-level client of containerd-ts (and of containerd, for what they share).
void (require('./ctr/main.js') as typeof import('./ctr/main.js')).main(process.argv.slice(2));

#!/usr/bin/env node
// ctr-ts: the low-level client of containerd-ts (and of containerd, for what they share).
require('./ctr/main.js');

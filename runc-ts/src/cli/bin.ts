#!/usr/bin/env -S node --single-threaded --expose-gc
// runc-ts's entry point when it does not start from its startup snapshot (bin/runc-ts).
import { runAndExit } from './main.js';

runAndExit(process.argv.slice(2));

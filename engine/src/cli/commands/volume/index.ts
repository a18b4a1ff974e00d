// engine volume COMMAND
import { group } from '../management.js';
import { volumeCreate } from './create.js';
import { volumeInspect } from './inspect.js';
import { volumeLs } from './ls.js';
import { volumePrune } from './prune.js';
import { volumeRm } from './rm.js';

export const volume = group('volume', 'Manage volumes', [volumeCreate, volumeLs, volumeInspect, volumeRm, volumePrune]);

// engine network COMMAND
import { group } from '../management.js';
import { networkConnect, networkDisconnect } from './connect.js';
import { networkCreate } from './create.js';
import { networkInspect } from './inspect.js';
import { networkLs } from './ls.js';
import { networkPrune } from './prune.js';
import { networkRm } from './rm.js';

export const network = group('network', 'Manage networks', [networkCreate, networkLs, networkInspect, networkRm, networkConnect, networkDisconnect, networkPrune]);

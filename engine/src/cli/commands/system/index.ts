// engine system COMMAND
import { group } from '../management.js';
import { systemDf } from './df.js';
import { systemPrune } from './prune.js';
import { info } from '../info.js';
import { events } from '../events.js';

export const system = group('system', 'Manage the engine', [systemDf, systemPrune, info, events]);

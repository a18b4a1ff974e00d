// engine system COMMAND
import { group } from '../management.js';
import { systemDf } from './df.js';
import { info } from '../info.js';
import { events } from '../events.js';

export const system = group('system', 'Manage the engine', [systemDf, info, events]);

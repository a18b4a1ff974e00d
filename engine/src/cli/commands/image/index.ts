// engine image COMMAND: docker's image management command over the image commands.
import { build } from '../build.js';
import { history } from '../history.js';
import { images } from '../images.js';
import { importCmd } from '../import.js';
import { inspect } from '../inspect.js';
import { load } from '../load.js';
import { imagePrune } from './prune.js';
import { group, renamed } from '../management.js';
import { pull } from '../pull.js';
import { push } from '../push.js';
import { rmi } from '../rmi.js';
import { save } from '../save.js';
import { tag } from '../tag.js';

export const image = group('image', 'Manage images', [
  build,
  history,
  importCmd,
  renamed(inspect, 'inspect', [], { type: 'image' }, 'Display detailed information on one or more images'),
  load,
  renamed(images, 'ls', ['images', 'list']),
  imagePrune,
  pull,
  push,
  renamed(rmi, 'rm', ['rmi', 'remove']),
  save,
  tag,
]);

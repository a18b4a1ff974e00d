// Random container names in Docker's adjective_surname style (surnames of scientists and engineers).
import { randomInt } from 'node:crypto';

const LEFT = ['admiring', 'bold', 'brave', 'busy', 'clever', 'eager', 'elastic', 'focused', 'gallant', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'loving', 'lucid', 'modest', 'nifty', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'tender', 'vibrant', 'wizardly', 'youthful', 'zealous'];
const RIGHT = ['albattani', 'babbage', 'bell', 'curie', 'darwin', 'dijkstra', 'einstein', 'euler', 'fermi', 'galileo', 'goldberg', 'hopper', 'hypatia', 'johnson', 'kepler', 'knuth', 'lamport', 'lovelace', 'meitner', 'noether', 'pascal', 'ritchie', 'shannon', 'thompson', 'turing', 'wozniak', 'yonath'];

export function randomName(retry: number): string {
  const name = `${LEFT[randomInt(LEFT.length)]!}_${RIGHT[randomInt(RIGHT.length)]!}`;
  return retry > 0 ? `${name}${randomInt(10)}` : name;
}

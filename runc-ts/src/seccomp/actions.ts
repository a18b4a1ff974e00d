// OCI action names → libseccomp action values, as runc maps them (runc's getAction).
import { SCMP_ACT, withData } from './libseccomp-constants.js';
import { SeccompError } from './seccomp-error.js';

const EPERM = 1;

/** The actions runc-ts can install (SCMP_ACT_NOTIFY hands the filter's listener fd to linux.seccomp.listenerPath). */
export const SUPPORTED_ACTIONS = [
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_TRAP',
] as const;

/**
 * The libseccomp action for an OCI action name. `errnoRet` is the errno of SCMP_ACT_ERRNO and the
 * message of SCMP_ACT_TRACE (EPERM when absent, as runc); other actions ignore it.
 */
export function actionValue(name: string, errnoRet: number | undefined, where: string): number {
  if (errnoRet !== undefined && (errnoRet < 0 || errnoRet > 0xffff)) {
    throw new SeccompError(`${where}: errnoRet ${errnoRet} is out of range (0-65535)`);
  }
  switch (name) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return SCMP_ACT.KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS':
      return SCMP_ACT.KILL_PROCESS;
    case 'SCMP_ACT_TRAP':
      return SCMP_ACT.TRAP;
    case 'SCMP_ACT_ERRNO':
      return withData(SCMP_ACT.ERRNO, errnoRet ?? EPERM);
    case 'SCMP_ACT_TRACE':
      return withData(SCMP_ACT.TRACE, errnoRet ?? EPERM);
    case 'SCMP_ACT_ALLOW':
      return SCMP_ACT.ALLOW;
    case 'SCMP_ACT_LOG':
      return SCMP_ACT.LOG;
    case 'SCMP_ACT_NOTIFY':
      return SCMP_ACT.NOTIFY;
    default:
      throw new SeccompError(`${where}: unknown action ${JSON.stringify(name)}`);
  }
}

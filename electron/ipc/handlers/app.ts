import type { AppInfo, AppInvoke } from '../../../shared/ipc/domains/app';
import type { HandlersFor } from '../handler-table';

/** The handlers of the app domain: what the app says about itself. */
export function createAppHandlers(info: AppInfo): HandlersFor<AppInvoke> {
  return {
    'app:info': () => ({ ...info }),
  };
}

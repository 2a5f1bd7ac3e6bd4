/** The Query feature's public surface: the shell and other features import only from here. */
export { QueryArea } from './query-area';
export { WorkbenchLinkProvider, useOpenInWorkbench } from './workbench-link';

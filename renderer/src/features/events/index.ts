/** The Events feature's public surface: the shell and other features import only from here. */
export { EventsArea } from './events-area';

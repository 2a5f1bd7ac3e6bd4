/** The Load feature's public surface: the shell and other features import only from here. */
export { LoadArea } from './load-area';

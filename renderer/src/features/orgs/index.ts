/** The Orgs feature's public surface: the shell and other features import only from here. */
export { OrgsArea } from './orgs-area';

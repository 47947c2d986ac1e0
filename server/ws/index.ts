export { SocketHub } from './hub';
export type { HubOptions } from './hub';
export { CloseCode } from './connection';

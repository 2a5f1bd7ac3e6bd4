export { createEventCapture } from './event-capture';
export type { EventCapture } from './event-capture';
export { createEventsService } from './events-service';
export type { EventsService } from './events-service';

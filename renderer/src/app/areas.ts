import type { ComponentType } from 'react';
import { EventsArea } from '../features/events';
import { LoadArea } from '../features/load';
import { OrgsArea } from '../features/orgs';
import { QueryArea } from '../features/query';

/** One of the app's four areas. */
export type AreaId = 'query' | 'load' | 'events' | 'orgs';

/** The four areas in tab order, each with its label and component. */
export const AREAS: readonly { id: AreaId; label: string; component: ComponentType }[] = [
  { id: 'query', label: 'Query', component: QueryArea },
  { id: 'load', label: 'Load', component: LoadArea },
  { id: 'events', label: 'Events', component: EventsArea },
  { id: 'orgs', label: 'Orgs', component: OrgsArea },
];

import { batched } from './batched';
import { floor } from './floor';
import { listener } from './listener';
import { reduxWebsocketContestant } from './reduxWebsocket';
import { rtkQueryStreaming } from './rtkQueryStreaming';
import type { Contestant, ContestantKey } from './types';
import { unetChat } from './unetChat';

/** The contestants in the order: 1. the floor … 6. this package. */
export const contestants: readonly Contestant[] = [
  floor,
  rtkQueryStreaming,
  listener,
  reduxWebsocketContestant,
  batched,
  unetChat,
];

export const contestantByKey = (key: ContestantKey): Contestant =>
  contestants.find((contestant) => contestant.key === key) as Contestant;

/** Contestants 2–4: the per-frame peers the package must beat by 50×. */
export const PEERS: readonly ContestantKey[] = ['rtkQueryStreaming', 'listener', 'reduxWebsocket'];

export type { Contestant, ContestantKey } from './types';

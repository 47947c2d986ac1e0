import { useSyncExternalStore } from 'react';

const minute = 60_000;

// Rounded to the minute so consecutive reads agree, as useSyncExternalStore requires.
function currentMinute(): number {
  return Math.floor(Date.now() / minute) * minute;
}

function subscribe(onChange: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const schedule = () => {
    timer = setTimeout(
      () => {
        onChange();
        schedule();
      },
      minute - (Date.now() % minute) + 50,
    );
  };
  schedule();
  return () => clearTimeout(timer);
}

/**
 * The present, rounded to the minute and refreshed each minute, so "today"
 * labels roll over at midnight without any component reading the clock itself.
 */
export function useNow(): number {
  return useSyncExternalStore(subscribe, currentMinute, currentMinute);
}

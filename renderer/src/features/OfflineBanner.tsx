import { useEffect, useState } from 'react';
import { call, useApi } from '../api.ts';

/** Says when Pallet is offline and what is waiting; jobs resume by themselves when the network is back. */
export function OfflineBanner() {
  const api = useApi();
  const [state, setState] = useState({ online: true, waitingNetwork: 0 });
  useEffect(() => {
    let live = true;
    const refresh = () =>
      call(api.app.status())
        .then((s) => live && setState(s))
        .catch(() => {});
    refresh();
    const off = api.onEvent((e) => {
      if (e.type === 'network') setState((s) => ({ ...s, online: e.online }));
      if (e.type === 'job') refresh();
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  if (state.online && state.waitingNetwork === 0) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>Offline.</strong>{' '}
      {state.waitingNetwork > 0
        ? `${state.waitingNetwork} ${state.waitingNetwork === 1 ? 'job waits' : 'jobs wait'} for the network (Amazon lookups, pricing, images); they go on by themselves when it is back. Imports and analysis keep working.`
        : 'Amazon lookups will wait for the network; imports and analysis keep working.'}
    </div>
  );
}

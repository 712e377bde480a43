// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../../../renderer/src/api.ts';
import { OfflineBanner } from '../../../renderer/src/features/OfflineBanner.tsx';
import { SettingsView } from '../../../renderer/src/features/settings/SettingsView.tsx';
import { createFakeApi } from './fake-api.ts';

afterEach(cleanup);

const renderWith = (fake: ReturnType<typeof createFakeApi>, ui: React.ReactNode) =>
  render(<ApiContext.Provider value={fake.api}>{ui}</ApiContext.Provider>);

describe('SettingsView', () => {
  it('stores SP-API credentials write-only: the fields empty again and only "stored" shows', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    expect((await screen.findByTestId('credentials-state')).textContent).toMatch(/not stored/);
    fireEvent.change(screen.getByLabelText('LWA client ID'), { target: { value: 'amzn1.application-oa2-client.x' } });
    fireEvent.change(screen.getByLabelText('LWA client secret'), { target: { value: 's3cret' } });
    fireEvent.change(screen.getByLabelText('Refresh token'), { target: { value: 'Atzr|abc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Store credentials' }));
    await waitFor(() => expect(screen.getByTestId('credentials-state').textContent).toMatch(/^Credentials: stored/));
    expect(fake.last('settings.setCredentials')).toEqual({
      clientId: 'amzn1.application-oa2-client.x',
      clientSecret: 's3cret',
      refreshToken: 'Atzr|abc',
    });
    expect((screen.getByLabelText('LWA client secret') as HTMLInputElement).value).toBe('');
    expect(document.body.textContent).not.toContain('s3cret');
    fireEvent.click(screen.getByRole('button', { name: 'Remove credentials' }));
    await waitFor(() => expect(screen.getByTestId('credentials-state').textContent).toMatch(/not stored/));
  });

  it('saves targets, fee assumptions and preferences, and refuses text that is not a number', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    const roi = await screen.findByLabelText('Target ROI ≥ %');
    fireEvent.change(roi, { target: { value: '45' } });
    fireEvent.blur(roi);
    await waitFor(() => expect(fake.last('settings.set')).toEqual({ targetMinRoi: 0.45 }));
    fireEvent.change(screen.getByLabelText('Prep per unit $'), { target: { value: 'lots' } });
    fireEvent.blur(screen.getByLabelText('Prep per unit $'));
    expect((await screen.findByRole('alert')).textContent).toBe('Prep per unit $: "lots" is not a number.');
    fireEvent.click(screen.getByLabelText('Notify me when jobs finish'));
    await waitFor(() => expect(fake.last('settings.set')).toEqual({ notifications: false }));
    // The catalog is chosen in the OS's open dialog, never typed: cancelling it starts nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Import reference catalog…' }));
    await waitFor(() => expect(fake.last('app.pickFile')).toEqual({ purpose: 'catalog' }));
    expect(fake.calls.some((c) => c.method === 'settings.importCatalog')).toBe(false);
    fake.state.picked = '/data/keepa.csv';
    fireEvent.click(screen.getByRole('button', { name: 'Import reference catalog…' }));
    await waitFor(() => expect(fake.last('settings.importCatalog')).toEqual({ path: '/data/keepa.csv' }));
    expect(screen.queryByRole('textbox', { name: /path/i })).toBeNull();
  });

  it('shows the version and opens the logs folder, with the reason inline when it cannot', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    await waitFor(() => expect(screen.getByTestId('app-version').textContent).toBe('Pallet test'));
    fireEvent.click(screen.getByRole('button', { name: 'Open logs folder' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'app.openLogs')).toHaveLength(1));
    expect((await screen.findByText(/^Opened /)).textContent).toBe('Opened /home/seller/.config/Pallet/logs');
    expect(screen.queryByTestId('logs-error')).toBeNull();
    fake.state.logsError = 'Logs are kept by the desktop app only.';
    fireEvent.click(screen.getByRole('button', { name: 'Open logs folder' }));
    expect((await screen.findByTestId('logs-error')).textContent).toBe('Logs are kept by the desktop app only.');
    expect(screen.getByTestId('logs-error').getAttribute('role')).toBe('alert');
    expect(screen.queryByText(/^Opened /)).toBeNull();
  });
});

describe('OfflineBanner', () => {
  it('stays hidden online, says what waits when offline, and goes when the network is back', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <OfflineBanner />);
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'app.status')).toBe(true));
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    fake.state.status = { online: true, waitingNetwork: 2 };
    fake.emit({
      type: 'job',
      job: {
        id: 1,
        kind: 'lookup',
        label: 'Lookups',
        status: 'waiting_network',
        progress: null,
        result: null,
        error: null,
        attempts: 0,
        maxAttempts: 5,
        runAt: 0,
        createdAt: 0,
        finishedAt: null,
      },
    });
    expect((await screen.findByTestId('offline-banner')).textContent).toMatch(/^Offline\. 2 jobs wait for the network/);
    fake.state.status = { online: true, waitingNetwork: 0 };
    fake.emit({
      type: 'job',
      job: {
        id: 1,
        kind: 'lookup',
        label: 'Lookups',
        status: 'completed',
        progress: null,
        result: null,
        error: null,
        attempts: 1,
        maxAttempts: 5,
        runAt: 0,
        createdAt: 0,
        finishedAt: 1,
      },
    });
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull());
    fake.emit({ type: 'network', online: false });
    expect((await screen.findByTestId('offline-banner')).textContent).toMatch(/lookups will wait for the network/);
  });
});

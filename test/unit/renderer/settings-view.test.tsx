// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiContext } from '../../../renderer/src/api.ts';
import { OfflineBanner } from '../../../renderer/src/features/OfflineBanner.tsx';
import { HIDDEN_SETTINGS, SettingsView } from '../../../renderer/src/features/settings/SettingsView.tsx';
import { SETTINGS_KEYS } from '../../../main/settings/schema.ts';
import { createFakeApi } from './fake-api.ts';

afterEach(cleanup);

const renderWith = (fake: ReturnType<typeof createFakeApi>, ui: React.ReactNode) =>
  render(<ApiContext.Provider value={fake.api}>{ui}</ApiContext.Provider>);

describe('SettingsView', () => {
  /** The text of what a field's aria-describedby points at (its refusal, then its hint). */
  const notesOf = (el: HTMLElement) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent)
      .join(' | ');

  it('groups every setting under a named group, each number labelled with its unit', async () => {
    const fake = createFakeApi([]);
    const { container } = renderWith(fake, <SettingsView />);
    await screen.findByTestId('credentials-state');
    const groups = screen
      .getAllByRole('group')
      .map((g) => g.getAttribute('aria-label') ?? g.querySelector('legend')?.textContent);
    expect(groups).toEqual(['Account & marketplace', 'Targets', 'Costs', 'Jobs & workers', 'Notifications', 'Data']);
    const inGroup = (group: string, names: string[]) => {
      const g = screen.getByRole('group', { name: group });
      for (const name of names) expect(within(g).getByLabelText(name)).toBeTruthy();
    };
    inGroup('Account & marketplace', [
      'LWA client ID',
      'LWA client secret',
      'Refresh token',
      'Marketplace',
      'Seller id (Merchant Token)',
    ]);
    inGroup('Targets', [
      'Target ROI at least (%)',
      'Target profit at least ($ per unit)',
      'Sales rank at most (rank)',
      'Sales per FBA seller at least (sales / month)',
      'Skip listings where Amazon itself sells',
      'Unknown restriction, offers, hazmat or rank make a product “check”',
    ]);
    inGroup('Costs', ['Prep cost ($ per unit)', 'Inbound shipping ($ per lb)']);
    inGroup('Jobs & workers', [
      'Worker processes (processes)',
      'Lookup sweep every (minutes)',
      'Keep finished jobs for (days)',
      'Database backups kept (backups)',
    ]);
    inGroup('Notifications', ['Notify me when jobs finish', 'Closing the window keeps jobs running in the tray']);
    expect(
      within(screen.getByRole('group', { name: 'Data' })).getByRole('button', { name: 'Import reference catalog…' }),
    ).toBeTruthy();
    // Every setting of the schema has its control, unless listed as hidden on purpose (with the reason).
    const missing = SETTINGS_KEYS.filter((k) => !(k in HIDDEN_SETTINGS) && !container.querySelector(`[name="${k}"]`));
    expect(missing).toEqual([]);
    for (const reason of Object.values(HIDDEN_SETTINGS)) expect(reason.length).toBeGreaterThan(10);
    // Every free number field names its unit: the label ends with "(unit)".
    for (const input of container.querySelectorAll<HTMLInputElement>('input[inputmode="decimal"]'))
      expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toMatch(/\(.+\)$/);
    // What is saved shows: ROI as a percentage.
    expect((screen.getByLabelText('Target ROI at least (%)') as HTMLInputElement).value).toBe('30');
  });

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

  it('tests the connection and shows what Amazon answered, success or failure', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    const result = await screen.findByTestId('connection-result');
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toBe('');
    fake.state.connection = {
      ok: true,
      marketplaces: ['Amazon.com (US)'],
      sellerIdHint: 'Enter your seller id (Merchant Token).',
      message: 'Connected as “Acme Store”. Amazon accepted the credentials; the seller sells in Amazon.com (US).',
    };
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(result.textContent).toMatch(/^Connection works\. Connected as “Acme Store”/));
    expect(result.textContent).toContain('Enter your seller id (Merchant Token).');
    expect(fake.calls.filter((c) => c.method === 'settings.testConnection')).toHaveLength(1);
    fake.state.connection = {
      ok: false,
      problem: 'not_authorised',
      message: 'Amazon accepted the credentials but refused access (HTTP 403): the app is not authorised.',
    };
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(result.textContent).toMatch(/^Connection failed\. Amazon accepted .*HTTP 403/));
    expect(result.textContent).not.toContain('seller id');
    // New credentials: the old answer no longer applies.
    fireEvent.click(screen.getByRole('button', { name: 'Store credentials' }));
    await waitFor(() => expect(result.textContent).toBe(''));
  });

  it('saves each field, and a refused value is explained beside its field while the saved one stays', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    const roi = await screen.findByLabelText('Target ROI at least (%)');
    fireEvent.change(roi, { target: { value: '45' } });
    fireEvent.blur(roi);
    await waitFor(() => expect(fake.last('settings.set')).toEqual({ targetMinRoi: 0.45 }));
    expect(await screen.findByText('Target ROI at least saved.')).toBeTruthy();

    // Main refuses 99 workers: its reason shows next to the field, and 2 stays saved.
    const workers = screen.getByLabelText('Worker processes (processes)');
    fireEvent.change(workers, { target: { value: '99' } });
    fireEvent.blur(workers);
    await waitFor(() => expect(workers.getAttribute('aria-invalid')).toBe('true'));
    expect(notesOf(workers)).toBe(
      'Too big: at most 8. Saved value kept: 2 processes. | 1 to 8. Applies at the next start.',
    );
    expect(fake.last('settings.set')).toEqual({ workers: 99 });
    expect(fake.state.settings.workers).toBe(2);
    fireEvent.change(workers, { target: { value: '4' } });
    fireEvent.blur(workers);
    await waitFor(() => expect(fake.state.settings.workers).toBe(4));
    const again = screen.getByLabelText('Worker processes (processes)');
    expect(again.getAttribute('aria-invalid')).toBeNull();
    expect(notesOf(again)).toBe('1 to 8. Applies at the next start.');

    // Text that is not a number never leaves the window.
    const prep = screen.getByLabelText('Prep cost ($ per unit)');
    const sent = fake.calls.length;
    fireEvent.change(prep, { target: { value: 'lots' } });
    fireEvent.blur(prep);
    await waitFor(() => expect(notesOf(prep)).toBe('"lots" is not a number. Saved value kept: $0 per unit.'));
    expect(fake.calls.length).toBe(sent);

    // The seller id: main's reason for a malformed one, then a good one saved, then cleared.
    const seller = screen.getByLabelText('Seller id (Merchant Token)');
    fireEvent.change(seller, { target: { value: 'abc' } });
    fireEvent.blur(seller);
    await waitFor(() =>
      expect(notesOf(seller)).toMatch(/^An Amazon seller id looks like A2EXAMPLE1234\. Saved value kept: none\./),
    );
    fireEvent.change(seller, { target: { value: 'A2EXAMPLE1234' } });
    fireEvent.blur(seller);
    await waitFor(() => expect(fake.state.settings.spapiSellerId).toBe('A2EXAMPLE1234'));
    fireEvent.change(screen.getByLabelText('Sales rank at most (rank)'), { target: { value: '50000' } });
    fireEvent.blur(screen.getByLabelText('Sales rank at most (rank)'));
    await waitFor(() => expect(fake.state.settings.targetMaxRank).toBe(50000));
    fireEvent.change(screen.getByLabelText('Sales rank at most (rank)'), { target: { value: '' } });
    fireEvent.blur(screen.getByLabelText('Sales rank at most (rank)'));
    await waitFor(() => expect(fake.state.settings.targetMaxRank).toBeNull());

    fireEvent.click(screen.getByLabelText('Skip listings where Amazon itself sells'));
    await waitFor(() => expect(fake.state.settings.decisionAvoidAmazonOnListing).toBe(false));
    fireEvent.click(screen.getByLabelText('Notify me when jobs finish'));
    await waitFor(() => expect(fake.last('settings.set')).toEqual({ notifications: false }));
  });

  it('picks the reference catalog in the OS dialog, never a typed path', async () => {
    const fake = createFakeApi([]);
    renderWith(fake, <SettingsView />);
    fireEvent.click(await screen.findByRole('button', { name: 'Import reference catalog…' }));
    await waitFor(() => expect(fake.last('app.pickFile')).toEqual({ purpose: 'catalog' }));
    expect(fake.calls.some((c) => c.method === 'settings.importCatalog')).toBe(false);
    fake.state.picked = '/data/keepa.csv';
    fireEvent.click(screen.getByRole('button', { name: 'Import reference catalog…' }));
    await waitFor(() => expect(fake.last('settings.importCatalog')).toEqual({ path: '/data/keepa.csv' }));
    expect(await screen.findByText('Reference catalog import started (job #9).')).toBeTruthy();
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
        startedAt: null,
        finishedAt: null,
        parentId: null,
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
        startedAt: 0,
        finishedAt: 1,
        parentId: null,
      },
    });
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull());
    fake.emit({ type: 'network', online: false });
    expect((await screen.findByTestId('offline-banner')).textContent).toMatch(/lookups will wait for the network/);
  });
});

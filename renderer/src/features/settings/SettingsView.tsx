import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Settings, SettingsView as View } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { AccountGroup } from './AccountGroup.tsx';
import { DataGroup } from './DataGroup.tsx';
import { fieldMessage } from './field-message.ts';
import { CheckField, NumberField, type SettingsForm } from './fields.tsx';

/**
 * Settings the view deliberately has no control for, each with the reason (a unit test checks every other key of
 * SETTINGS_KEYS has one). None today: every preference is the seller's to change here.
 */
export const HIDDEN_SETTINGS: Partial<Record<keyof Settings, string>> = {};

/**
 * Preferences grouped as a seller thinks of them: account, targets, costs, background work, notifications, data.
 * Each field saves on its own; a refused value is explained beside its field and what was saved stays.
 */
export function SettingsView() {
  const api = useApi();
  const [view, setView] = useState<View | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof Settings, string>>>({});

  useEffect(() => {
    call(api.settings.get())
      .then(setView)
      .catch((e: Error) => setLoadError(e.message));
  }, [api]);

  const refuse = useCallback((key: keyof Settings, message: string) => {
    setSaved(null);
    setErrors((e) => ({ ...e, [key]: message }));
  }, []);
  const clear = useCallback((key: keyof Settings) => setErrors(({ [key]: _, ...rest }) => rest as typeof rest), []);
  const save = useCallback(
    <K extends keyof Settings>(key: K, value: Settings[K], label: string) => {
      call(api.settings.set({ [key]: value } as Partial<Settings>))
        .then((v) => {
          setView(v);
          clear(key);
          setSaved(`${label} saved.`);
        })
        .catch((e: Error) => refuse(key, fieldMessage(e.message)));
    },
    [api, refuse, clear],
  );
  const form = useMemo<SettingsForm | null>(
    () => (view ? { settings: view.settings, errors, save, refuse, clear } : null),
    [view, errors, save, refuse, clear],
  );

  if (!view || !form)
    return (
      <section className="card" aria-label="Settings">
        {loadError ? <p role="alert">{loadError}</p> : <p>Loading…</p>}
      </section>
    );
  return (
    <section className="settings" aria-label="Settings">
      <div className="view-head">
        <h2>Settings</h2>
        <p role="status" className="saved-note">
          {saved}
        </p>
      </div>

      <AccountGroup view={view} form={form} onView={setView} />

      <fieldset>
        <legend>Targets</legend>
        <p className="hint">A product is a winner when it meets every target that is set.</p>
        <NumberField
          form={form}
          name="targetMinRoi"
          label="Target ROI at least"
          suffix="%"
          scale={100}
          range={[-100, 10000]}
        />
        <NumberField form={form} name="targetMinProfit" label="Target profit at least" prefix="$" suffix="per unit" />
        <NumberField
          form={form}
          name="targetMaxRank"
          label="Sales rank at most"
          suffix="rank"
          nullable
          hint="Empty: any rank."
        />
        <NumberField
          form={form}
          name="decisionMinSalesPerFbaOffer"
          label="Sales per FBA seller at least"
          suffix="sales / month"
          hint="Est. monthly sales ÷ (FBA offers + 1); fewer means skip as too crowded. 0 turns the rule off."
        />
        <CheckField
          form={form}
          name="decisionAvoidAmazonOnListing"
          label="Skip listings where Amazon itself sells"
          hint="Off: only noted on the product."
        />
        <CheckField
          form={form}
          name="decisionUnknownIsCheck"
          label="Unknown restriction, offers, hazmat or rank make a product “check”"
          hint="Off: only a note on the product."
        />
      </fieldset>

      <fieldset>
        <legend>Costs</legend>
        <p className="hint">Added to Amazon&apos;s fees in every analysis.</p>
        <NumberField form={form} name="prepPerUnit" label="Prep cost" prefix="$" suffix="per unit" />
        <NumberField form={form} name="inboundPerLb" label="Inbound shipping" prefix="$" suffix="per lb" />
      </fieldset>

      <fieldset>
        <legend>Jobs &amp; workers</legend>
        <NumberField
          form={form}
          name="workers"
          label="Worker processes"
          suffix="processes"
          hint="1 to 8. Applies at the next start."
        />
        <NumberField
          form={form}
          name="sweepIntervalMinutes"
          label="Lookup sweep every"
          suffix="minutes"
          hint="Applies at the next start."
        />
        <NumberField form={form} name="retentionDays" label="Keep finished jobs for" suffix="days" />
        <NumberField
          form={form}
          name="backupsKept"
          label="Database backups kept"
          suffix="backups"
          hint="Daily, and before each database upgrade; the oldest go first."
        />
      </fieldset>

      <fieldset>
        <legend>Notifications</legend>
        <CheckField form={form} name="notifications" label="Notify me when jobs finish" />
        <CheckField form={form} name="closeToTray" label="Closing the window keeps jobs running in the tray" />
      </fieldset>

      <DataGroup />
    </section>
  );
}

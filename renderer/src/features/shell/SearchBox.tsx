import { useEffect, useRef, useState, type Dispatch, type Ref, type SetStateAction } from 'react';
import type { ProductFilters } from '../../../../preload/contract/channels.ts';

/** The global search: filters Products by name, SKU, barcode or ASIN once typing settles. */
export function SearchBox({
  value,
  onChange,
  inputRef,
}: {
  value: ProductFilters;
  /** Takes an updater: the other filters, as they are when typing settles, are kept. */
  onChange: Dispatch<SetStateAction<ProductFilters>>;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [text, setText] = useState(value.search ?? '');
  const latest = useRef(onChange);
  latest.current = onChange;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) return void (first.current = false);
    const t = setTimeout(() => {
      const search = text.trim() || undefined;
      latest.current((value) => (search === value.search ? value : { ...value, search }));
    }, 250);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <div className="search" role="search">
      <label htmlFor="global-search" className="visually-hidden">
        Search products
      </label>
      <input
        id="global-search"
        ref={inputRef}
        type="search"
        value={text}
        placeholder="Search products: name, SKU, barcode, ASIN"
        onChange={(e) => setText(e.target.value)}
        aria-keyshortcuts="Control+F Meta+F"
      />
      <kbd aria-hidden="true">Ctrl F</kbd>
    </div>
  );
}

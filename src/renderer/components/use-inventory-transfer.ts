// Export and import of the whole inventory from the Sites page: the file is checked here with
// the shared schema first, so a wrong file is explained before anything is sent to the core.
import { useState } from 'react';
import { maxRequestBytes } from '../../shared/api/contract.ts';
import { inventoryCounts, parseInventoryText } from '../../shared/api/inventory-file.ts';
import { errorMessage } from '../api/api.ts';
import { downloadFile } from '../download-file.ts';
import { useSitesStore } from '../stores/sites-store.ts';

export type InventoryNotice =
  | { readonly kind: 'exported'; readonly fileName: string; readonly sites: number; readonly routers: number }
  | { readonly kind: 'imported'; readonly sites: number; readonly routers: number }
  | { readonly kind: 'error'; readonly title: string; readonly message: string };

/** Reads a chosen file as text. */
export function readFileText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsText(file);
  });
}

export function useInventoryTransfer() {
  const exportInventory = useSitesStore((s) => s.exportInventory);
  const importInventory = useSitesStore((s) => s.importInventory);
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [notice, setNotice] = useState<InventoryNotice | null>(null);

  return {
    busy,
    notice,
    dismiss: () => setNotice(null),
    async exportToFile(): Promise<void> {
      setBusy('export');
      setNotice(null);
      try {
        const file = await exportInventory();
        const fileName = `switchyard-inventory-${new Date(file.exportedMs).toISOString().slice(0, 10)}.json`;
        downloadFile(fileName, `${JSON.stringify(file, null, 2)}\n`, 'application/json');
        setNotice({ kind: 'exported', fileName, ...inventoryCounts(file) });
      } catch (error) {
        setNotice({ kind: 'error', title: 'The inventory could not be exported', message: errorMessage(error) });
      } finally {
        setBusy(null);
      }
    },
    async importFromFile(chosen: File | null): Promise<void> {
      if (!chosen) return;
      setBusy('import');
      setNotice(null);
      const refuse = (message: string) => setNotice({ kind: 'error', title: `${chosen.name} was not imported`, message });
      try {
        // The core refuses requests over this size; saying so here names the actual problem.
        if (chosen.size > maxRequestBytes - 1024) return refuse(`The file is ${Math.ceil(chosen.size / 1024)} KiB; an inventory file can be at most 1 MiB.`);
        const parsed = parseInventoryText(await readFileText(chosen));
        if (!parsed.ok) return refuse(parsed.message);
        setNotice({ kind: 'imported', ...(await importInventory(parsed.file)) });
      } catch (error) {
        refuse(errorMessage(error));
      } finally {
        setBusy(null);
      }
    },
  };
}

/** The seller's window; the import, lookup and analysis views arrive with the renderer issue. */
export function App() {
  return (
    <main>
      <h1>Pallet</h1>
      <p>Drop a supplier price list to start.</p>
    </main>
  );
}

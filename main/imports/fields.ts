/** The product fields an import can fill; every other column is kept as an attribute. */
export const FIELDS = [
  'gtin',
  'gtin_alt',
  'sku',
  'mpn',
  'asin',
  'name',
  'brand',
  'category',
  'cost',
  'case_cost',
  'pack_size',
  'price',
  'currency',
  'quantity',
  'image_url',
  'description',
  'weight',
  'length',
  'width',
  'height',
] as const;
export type Field = (typeof FIELDS)[number];

/** What each field means, for the template, the mapping UI and `--help`. */
export const FIELD_LABELS: Record<Field, string> = {
  gtin: 'Barcode (UPC, EAN, GTIN, ISBN)',
  gtin_alt: 'Second barcode, used when the first is empty or invalid',
  sku: 'Supplier SKU / item number',
  mpn: 'Manufacturer part number',
  asin: 'Amazon ASIN, if the supplier gives one',
  name: 'Product name',
  brand: 'Brand',
  category: 'Category',
  cost: 'Your cost per unit',
  case_cost: 'Your cost per case (divided by the case pack)',
  pack_size: 'Units per case (case pack)',
  price: 'Sell price / MSRP',
  currency: 'Currency code (USD, EUR…)',
  quantity: 'Quantity available',
  image_url: 'Image URL(s)',
  description: 'Description',
  weight: 'Unit weight (lb unless the header says kg, g or oz)',
  length: 'Package length (in unless the header says cm or mm)',
  width: 'Package width (in unless the header says cm or mm)',
  height: 'Package height (in unless the header says cm or mm)',
};

// Synonyms, folded (lower case, no accents, punctuation as spaces), best first. Rank = position.
// Several languages: English, German, French, Spanish, Italian, Dutch; sources include retailer exports.
export const SYNONYMS: Record<Field, readonly string[]> = {
  gtin: ['gtin', 'gtin14', 'gtin 14', 'upc', 'upc code', 'upc a', 'ean', 'ean13', 'ean 13', 'ean code', 'ean upc', 'upc ean', 'barcode', 'bar code', 'barcode number', 'variant barcode', 'ean8', 'isbn', 'isbn13', 'external product id', 'code barre', 'code barre du produit', 'code ean', 'codigo de barras', 'codice a barre', 'streepjescode', 'strichcode', 'item', 'item number', 'item no', 'item nr'],
  gtin_alt: [],
  sku: ['sku', 'seller sku', 'item sku', 'variant sku', 'supplier sku', 'vendor sku', 'reference', 'supplier reference', 'reference number', 'article number', 'artikelnummer', 'art nr', 'artikel nr', 'referencia', 'codice articolo', 'artikelcode', 'part number', 'model', 'model number', 'style', 'product id', 'id'],
  mpn: ['mpn', 'manufacturer part number', 'herstellernummer', 'mfr part number', 'mfg part number'],
  asin: ['asin', 'amazon asin'],
  name: ['name', 'product name', 'title', 'product title', 'item name', 'item title', 'artikelbezeichnung', 'bezeichnung', 'artikelname', 'produktname', 'nom', 'nom du produit', 'libelle', 'designation', 'nombre', 'nombre del producto', 'titulo', 'nome', 'nome prodotto', 'naam', 'productnaam', 'product', 'item description', 'product description', 'description', 'short description'],
  brand: ['brand', 'brand name', 'marke', 'marque', 'marca', 'merk', 'manufacturer', 'hersteller', 'fabricant', 'fabricante', 'produttore', 'vendor', 'label'],
  category: ['category', 'categories', 'product category', 'kategorie', 'warengruppe', 'categorie', 'categoria', 'department', 'product type', 'rubrique'],
  cost: ['cost', 'unit cost', 'cost price', 'your cost', 'cost per unit', 'wholesale', 'wholesale price', 'wholesale cost', 'purchase price', 'buy price', 'buying price', 'net price', 'dealer price', 'supplier price', 'unit price', 'einkaufspreis', 'ek', 'ek preis', 'ek netto', 'prix d achat', 'prix achat', 'prix de gros', 'precio de compra', 'precio mayorista', 'costo', 'coste', 'prezzo d acquisto', 'prezzo di acquisto', 'inkoopprijs'],
  case_cost: ['case cost', 'case price', 'carton price', 'price per case', 'cost per case', 'karton preis', 'prix du carton'],
  pack_size: ['case pack', 'pack size', 'casepack', 'pack', 'case qty', 'case quantity', 'units per case', 'qty per case', 'inner pack', 'pack qty', 'verpackungseinheit', 've', 'colisage', 'pcb', 'unidades por caja', 'confezione'],
  price: ['price', 'msrp', 'rrp', 'srp', 'retail price', 'list price', 'regular price', 'sell price', 'selling price', 'sale price', 'map', 'map price', 'uvp', 'verkaufspreis', 'prix', 'prix de vente', 'prix public', 'pvp', 'precio', 'precio de venta', 'prezzo', 'verkoopprijs', 'price tax excluded', 'price tax excl'],
  currency: ['currency', 'currency code', 'wahrung', 'devise', 'moneda', 'valuta'],
  quantity: ['quantity', 'qty', 'stock', 'stock qty', 'available', 'inventory', 'on hand', 'qty available', 'menge', 'bestand', 'quantite', 'cantidad', 'quantita', 'voorraad'],
  image_url: ['image url', 'image', 'images', 'image urls', 'main image', 'main image url', 'base image', 'image link', 'picture', 'picture url', 'photo', 'bild', 'bild url', 'imagen', 'immagine', 'afbeelding'],
  description: ['description', 'long description', 'product description', 'beschreibung', 'descriptif', 'descripcion', 'descrizione', 'omschrijving'],
  weight: ['weight', 'item weight', 'unit weight', 'package weight', 'shipping weight', 'weight lb', 'weight lbs', 'weight kg', 'weight g', 'weight oz', 'gewicht', 'poids', 'peso', 'gewicht kg'],
  length: ['length', 'package length', 'item length', 'length in', 'length cm', 'laenge', 'lange', 'longueur', 'longitud', 'lunghezza', 'lengte', 'depth'],
  width: ['width', 'package width', 'item width', 'width in', 'width cm', 'breite', 'largeur', 'ancho', 'larghezza', 'breedte'],
  height: ['height', 'package height', 'item height', 'height in', 'height cm', 'hoehe', 'hohe', 'hauteur', 'alto', 'altezza', 'hoogte'],
};

/** Header words that point at a barcode even inside longer names (`UGC_ean`, `COD_ARTC_EAN`). */
export const BARCODE_TOKENS = new Set(['ean', 'ean13', 'ean8', 'upc', 'gtin', 'gtin13', 'gtin14', 'barcode', 'isbn']);

/** A grid cell: a scalar as the org returned it (null and '' differ), or a child subquery summarised as its count. */
export type GridCell = string | number | boolean | null | { children: number };

/** A grid column: its id (the dotted path), its header text, and whether it holds child subquery cells. */
export type GridColumn = { id: string; header: string; kind: 'field' | 'children' | 'aggregate' };

/** A sort key on a column, as the grid asks its owner to apply it. */
export type GridSort = { column: string; descending: boolean };

/** A rectangular cell selection: rows inclusive, columns as ids in their on-screen order. */
export type CellRange = { firstRow: number; lastRow: number; columns: string[] };

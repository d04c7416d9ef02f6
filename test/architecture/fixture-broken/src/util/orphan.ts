// belongs to no row: a new folder needs a row in the table before it holds code.
/** Nothing. */
export const orphan = 0;

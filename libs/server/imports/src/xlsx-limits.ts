/**
 * The hard caps every uploaded workbook is read under (issue 18 item 1; 等保 2.0 L3 8.1.4.4 resource
 * control, ASVS V12.1.1 file size / V12.1.2 compressed-file bombs). The api checks only what costs
 * nothing (the upload's size, type and zip central directory); the worker enforces the rest while
 * it reads, and stops at the first one exceeded.
 */
export interface XlsxCaps {
  /** Bytes of the upload itself (the api refuses more with 413 before storing it). */
  maxFileBytes: number;
  /** Bytes actually inflated, all parts together (counted, not the sizes the zip declares). */
  maxInflatedBytes: number;
  /** Bytes actually inflated from the shared strings part: every string in it is held in memory. */
  maxSharedStringsBytes: number;
  /** Bytes actually inflated from the styles, workbook and relationship parts (each is held whole). */
  maxSmallPartBytes: number;
  /** Entries in the zip's central directory. */
  maxEntries: number;
  /** Data rows of the first sheet (the header row not counted). */
  maxRows: number;
  /** Cells in one row (`<c>` elements): exceljs holds a whole row before handing it over. */
  maxCellsPerRow: number;
  /** Characters of one text run (a cell's or a shared string's text); Excel itself stops at 32,767. */
  maxStringLength: number;
  /** Entries of the shared strings table. */
  maxSharedStrings: number;
}

export const XLSX_LIMITS: XlsxCaps = {
  maxFileBytes: 10 * 1024 * 1024,
  maxInflatedBytes: 200 * 1024 * 1024,
  maxSharedStringsBytes: 48 * 1024 * 1024,
  maxSmallPartBytes: 8 * 1024 * 1024,
  maxEntries: 2000,
  maxRows: 200_000,
  maxCellsPerRow: 256,
  maxStringLength: 32_767,
  maxSharedStrings: 1_000_000,
};

export const MIB = 1024 * 1024;

export {};
//# sourceMappingURL=wait-table.d.ts.map
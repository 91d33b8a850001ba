export {};
//# sourceMappingURL=random.d.ts.map
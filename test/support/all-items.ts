// The item declarations, wherever they live: the one import the docs' data-model test
// (test/unit/data-model.test.ts) reads them through, so a move of the declarations file
// changes this line only.
export * from '#contexts/items.ts';

const { runTime } = await import('/work/wt/timegarbage/scripts/reliability/campaign-time.ts');
const t = Date.now();
const r = await runTime({ days: 6, lettersPerDay: 500, seed: 7, budgetMs: 900000 });
console.table(r.rows);
console.log(JSON.stringify(r.figures.samples), r.figures.startup_day1, r.figures.startup_last, (Date.now()-t)/1000);

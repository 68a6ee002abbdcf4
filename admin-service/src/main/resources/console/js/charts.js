// uPlot line charts that keep their size to their box and take new data in place.
import uPlot from '../vendor/uplot/uPlot.esm.js';

/** A chart in `box` with one series per entry of `series` ({label, stroke, ...uPlot series options}). */
export function lineChart(box, {series, yFormat, bands = [], yRange}) {
  const opts = {
    width: Math.max(280, box.clientWidth),
    height: 220,
    series: [{label: 'time', value: (u, t) => (t == null ? '–' : new Date(t * 1000).toLocaleTimeString('en-GB'))}, ...series.map(s => ({
      width: 2, value: (u, v) => (v == null ? '–' : yFormat(v)), ...s,
    }))],
    bands,
    axes: [{}, {values: (u, ticks) => ticks.map(yFormat), size: 60}],
    scales: {x: {time: true}, y: yRange ? {range: yRange} : {}},
    legend: {live: true},
  };
  const empty = [[], ...series.map(() => [])];
  const chart = new uPlot(opts, empty, box);
  const resize = new ResizeObserver(() => chart.setSize({width: Math.max(280, box.clientWidth), height: 220}));
  resize.observe(box);
  return {
    set: data => {
      chart.setData(data);
      // at least a minute on the time axis: a lone point would otherwise stretch it over years
      const times = data[0];
      if (times.length > 0 && times[times.length - 1] - times[0] < 60) {
        chart.setScale('x', {min: times[times.length - 1] - 60, max: times[times.length - 1] + 5});
      }
    },
    destroy: () => {
      resize.disconnect();
      chart.destroy();
    },
  };
}

/**
 * Aligns per-key point lists ({key: [{at, value}]}) on one time axis for uPlot: [[t...], [v of key 1...], ...],
 * with null where a key has no point at a time.
 */
export function align(seriesByKey, keys, scale = 1) {
  const times = [...new Set(keys.flatMap(k => (seriesByKey[k] ?? []).map(p => Date.parse(p.at) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = keys.map(k => {
    const column = new Array(times.length).fill(null);
    for (const p of seriesByKey[k] ?? []) column[index.get(Date.parse(p.at) / 1000)] = p.value * scale;
    return column;
  });
  return [times, ...columns];
}

// uPlot charts of the sweep page: the best-so-far curve and overlaid per-trial loss curves.

const PALETTE = ["#2f6fdf", "#d73027", "#1a9850", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#4d4d4d"];
export const colorFor = (i) => PALETTE[i % PALETTE.length];

function width(container) {
  return Math.max(300, container.clientWidth || 500);
}

/** Keeps a uPlot instance sized to its container and rebuilds it when its series change. */
class Chart {
  constructor(container) {
    this.container = container;
    this.plot = null;
    this.key = "";
    new ResizeObserver(() => this.plot?.setSize({ width: width(container), height: 240 })).observe(container);
  }
  show(key, makeOpts, data) {
    if (!window.uPlot) return;
    if (this.plot && this.key === key) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.key = key;
    this.plot = new window.uPlot({ width: width(this.container), height: 240, ...makeOpts() }, data, this.container);
  }
}

/** Complete trials' losses in finish order, and the best so far (log scale). */
export class BestSoFarChart extends Chart {
  update(history) {
    const xs = [];
    const ys = [];
    const best = [];
    let b = Infinity;
    for (let i = 0; i < history.number.length; i++) {
      if (history.state[i] !== "c") continue;
      const v = history.loss[i];
      if (v === null || !(v > 0)) continue;
      b = Math.min(b, v);
      xs.push(xs.length + 1);
      ys.push(v);
      best.push(b);
    }
    this.container.dataset.points = String(xs.length);
    this.show(
      "best",
      () => ({
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [{ label: "complete trials (finish order)", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }, { label: "val loss", size: 60 }],
        series: [
          { label: "trial" },
          { label: "trial val loss", stroke: "rgba(47,111,223,0.6)", fill: "rgba(47,111,223,0.35)", paths: () => null, points: { show: true, size: xs.length > 2000 ? 3 : 5, width: 1, stroke: "rgba(47,111,223,0.6)", fill: "rgba(47,111,223,0.35)" } },
          { label: "best so far", stroke: "#d73027", width: 2, paths: window.uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        ],
      }),
      [xs, ys, best],
    );
  }
}

/** Train (dashed) and validation (solid) loss per epoch, several trials overlaid. */
export class CurvesChart extends Chart {
  update(curves) {
    const maxEpoch = Math.max(1, ...curves.flatMap((c) => c.epochs.map((e) => e.epoch)));
    const xs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
    const data = [xs];
    const series = [{ label: "epoch" }];
    curves.forEach((c, i) => {
      const val = xs.map(() => null);
      const train = xs.map(() => null);
      for (const e of c.epochs) {
        val[e.epoch - 1] = e.valLoss;
        train[e.epoch - 1] = e.trainLoss;
      }
      data.push(val, train);
      series.push(
        { label: `#${c.number} val`, stroke: colorFor(i), width: 2, spanGaps: true },
        { label: `#${c.number} train`, stroke: colorFor(i), width: 1, dash: [5, 4], spanGaps: true },
      );
    });
    this.container.dataset.trials = curves.map((c) => c.number).join(",");
    this.container.dataset.points = String(curves.reduce((n, c) => n + c.epochs.length, 0));
    this.show(
      "curves:" + curves.map((c) => c.number).join(","),
      () => ({ scales: { x: { time: false }, y: { distr: 3 } }, axes: [{ label: "epoch", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { label: "loss", size: 60 }], series }),
      data,
    );
  }
}

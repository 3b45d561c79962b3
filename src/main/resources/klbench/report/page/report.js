/*
 * klbench report: the interactive charts. Reads the data that data/<family>.js put into
 * window.KLBENCH_DATA (see klbench.report.charts.PlotData) and draws each <div class="chart"> with
 * ECharts (echarts.min.js beside the page). Nothing is fetched and nothing is averaged here: every
 * point, including the means over "all" of a filter, was computed by the report; the filters only
 * pick points.
 */
(function () {
  'use strict';
  var DATA = window.KLBENCH_DATA || {};
  var DIMS = ['kl', 'sampling', 'batch', 'horizon', 'contexts', 'discount'];
  var charts = [];
  window.klbench = { charts: charts, ready: false };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** Three significant digits, as the tables write numbers; — for a number that does not exist. */
  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return '\u2014';
    if (v === 0) return '0';
    var a = Math.abs(v);
    var s = a < 1e-3 || a >= 1e5 ? v.toExponential(2) : v.toPrecision(3);
    return s.replace('-', '\u2212');
  }

  function selected() {
    var f = {};
    document.querySelectorAll('select[data-filter]').forEach(function (s) { f[s.getAttribute('data-filter')] = s.value; });
    return f;
  }

  function column(fam, name) {
    return fam.columns.indexOf(name);
  }

  /** True when the filter of dimension d offers "all" (every value, or a mean over them). */
  function hasAll(d) {
    return document.querySelector('select[data-filter="' + d + '"] option[value="all"]') !== null;
  }

  /**
   * A point is drawn when each of its filter values is the one selected (filters of dimensions the
   * family does not have, e.g. contexts on the token-level charts, do not apply). On the x axis, any
   * value when the filter is at "all", or when it offers no "all" (the horizon filter leaves the
   * charts against the horizon whole).
   */
  function keep(fam, row, f) {
    for (var i = 0; i < DIMS.length; i++) {
      var d = DIMS[i];
      var want = f[d];
      var c = column(fam, d);
      if (want === undefined || c < 0) continue;
      var have = row[c];
      if (d === fam.xDim) {
        if (want !== 'all' && hasAll(d) && have !== want) return false;
      } else if (have !== want) {
        return false;
      }
    }
    return true;
  }

  /** True when the results hold responses of more than one token: the KL level is then per position. */
  function responses() {
    return document.querySelector('select[data-filter="horizon"] option:not([value="1"])') !== null;
  }

  function describe(fam, row, d) {
    var v = row[column(fam, d)];
    if (d === 'sampling') return v === 'on' ? 'on-policy' : 'off-policy';
    var kl = responses() ? 'KL per position' : 'KL(p\u2016q)';
    if (d === 'kl') return v === 'all' ? kl + ': all levels (' + (fam.klAll || 'geometric mean') + ')' : kl + ' = ' + fmt(+v);
    if (d === 'batch') return v === 'all' ? 'B: all sizes (mean)' : 'B = ' + v;
    if (d === 'contexts') return v === 'tree' ? 'contexts: tree (every prefix its own)' : 'contexts ' + v;
    if (d === 'discount') return '\u03b3 = ' + String(+v);
    return 'horizon ' + v;
  }

  function tooltip(fam) {
    return function (p) {
      var r = p.data.row;
      var s = fam.series[r[0]];
      var est = s.estimators.length > 6 ? s.estimators.slice(0, 6).join(', ') + ' and ' + (s.estimators.length - 6) + ' more'
        : s.estimators.join(', ');
      var where = DIMS.filter(function (d) {
        return d !== fam.xDim && column(fam, d) >= 0 && (d !== 'horizon' || r[column(fam, 'horizon')] !== '1');
      })
        .map(function (d) { return describe(fam, r, d); });
      var y = r[2] < fam.floor ? fmt(r[2]) + ' (drawn at ' + fmt(fam.floor) + ': zero to rounding)' : fmt(r[2]);
      return '<div class="tip"><b>' + esc(s.fullName) + '</b><br>'
        + 'estimator' + (s.estimators.length === 1 ? '' : 's') + ': ' + esc(est) + '<br>'
        + 'baseline: ' + esc(s.baseline) + '<br>'
        + esc(fam.xLabel.replace(/ \[.*\]$/, '')) + ' = ' + (fam.xDim === 'kl' ? fmt(r[1]) : String(r[1])) + ' \u00b7 ' + esc(where.join(' \u00b7 ')) + '<br>'
        + esc(fam.yLabel.replace(/ \[.*\]$/, '')) + ': <b>' + y + '</b><br>'
        + 'exact: ' + fmt(r[3]) + ' \u00b7 Monte Carlo: ' + fmt(r[4]) + (r[5] === null ? '' : ' \u00b1 ' + fmt(r[5]))
        + '<br><span class="tip-note">' + esc(fam.valueNames) + '; ' + r[6] + ' rows averaged</span></div>';
    };
  }

  /** Tick labels: 1e-9 rather than 0.000000001, 1e+5 rather than 100,000. */
  function tick(v) {
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(0).replace('e+', 'e');
    return String(+v.toPrecision(6));
  }

  function option(c, f) {
    var fam = c.fam;
    var whole = c.group === 'all';
    var members = whole ? fam.series.map(function (s, i) { return i; }) : fam.groups[c.group].series;
    var atFloor = false;
    var drawn = 0;
    var yMin = Infinity;
    var yMax = 0;
    var xMin = Infinity;
    var xMax = 0;
    var series = members.map(function (si) {
      var s = fam.series[si];
      var data = fam.points.filter(function (r) { return r[0] === si && r[1] > 0 && r[2] !== null && keep(fam, r, f); })
        .sort(function (a, b) { return a[1] - b[1]; })
        .map(function (r) {
          if (r[2] < fam.floor) atFloor = true;
          var y = Math.max(r[2], fam.floor);
          yMin = Math.min(yMin, y);
          yMax = Math.max(yMax, y);
          xMin = Math.min(xMin, r[1]);
          xMax = Math.max(xMax, r[1]);
          return { value: [r[1], y], row: r };
        });
      drawn += data.length;
      return {
        name: whole ? s.fullName : s.name, type: 'line', data: data, symbol: s.symbol, symbolSize: 8,
        lineStyle: { type: s.dash, width: 2, color: s.color }, itemStyle: { color: s.color }, color: s.color,
        emphasis: { focus: 'series' }, blur: { lineStyle: { opacity: 0.35 }, itemStyle: { opacity: 0.35 } }
      };
    });
    if (atFloor && series.length > 0) {
      series[0].markLine = {
        silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#999' },
        label: { formatter: 'below ' + fmt(fam.floor) + ': zero to rounding', position: 'insideStartTop', color: '#555' },
        data: [{ yAxis: fam.floor }]
      };
    }
    // A chart with no point for the filters gets a plain axis (a log axis of no data has no extent).
    var yLog = (whole ? fam.allYLog : fam.groups[c.group].yLog) && drawn > 0;
    var names = series.map(function (s) { return s.name; });
    var legendSelected = {};
    names.forEach(function (n) { legendSelected[n] = c.legend[n] !== false; });
    c.drawn = drawn;
    // The legend below the plot, in rows of about three names; a chart of every series lists them at
    // its right, scrolling.
    var legendRows = whole ? 0 : Math.ceil(names.length / 3);
    return {
      animation: false,
      title: drawn === 0 ? { text: 'no point for this selection of the filters', left: 'center', top: 'middle',
        textStyle: { color: '#888', fontSize: 13, fontWeight: 'normal' } } : undefined,
      grid: { left: 64, right: whole ? 300 : 28, top: 40, bottom: 52 + 22 * legendRows },
      tooltip: { trigger: 'item', confine: true, formatter: tooltip(fam) },
      legend: whole ? { type: 'scroll', orient: 'vertical', right: 0, top: 36, bottom: 10, width: 280, data: names,
        selected: legendSelected, textStyle: { fontSize: 12 } }
        : { type: 'plain', bottom: 0, left: 'center', data: names, selected: legendSelected, textStyle: { fontSize: 12 },
        selector: [{ type: 'all', title: 'all' }, { type: 'inverse', title: 'invert' }] },
      toolbox: { right: 6, top: 0, itemSize: 14,
        feature: { dataZoom: { title: { zoom: 'zoom: drag a box', back: 'undo zoom' } }, restore: { title: 'reset' } } },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }],
      // No min or max on the x axis (ECharts 5.3 draws a split line at -Infinity for many a min below
      // the data), except around a single x value, which alone gives a log axis no extent at all:
      // then a factor 2 either side, which draws cleanly for every base-10 and base-2 value tried.
      xAxis: { type: 'log', logBase: fam.xBase, name: fam.xLabel + ', log scale',
        min: xMin === xMax ? xMin / 2 : undefined, max: xMin === xMax ? xMax * 2 : undefined,
        nameLocation: 'middle', nameGap: 26, axisLine: { onZero: false },
        axisLabel: { formatter: tick }, splitLine: { lineStyle: { color: '#e5e5e5' } } },
      yAxis: yLog
        // From the lowest point (a min below the data draws a split line at -Infinity in ECharts 5.3)
        // to the power of 10 above the highest: ECharts alone would pad to the next tick, decades away.
        ? { type: 'log', logBase: 10, min: yMin, max: Math.pow(10, Math.ceil(Math.log10(yMax))),
          name: fam.yLabel + ', log scale', nameTextStyle: { align: 'left' },
          axisLine: { onZero: false },
          axisLabel: { formatter: tick }, minorTick: { show: true }, splitLine: { lineStyle: { color: '#e5e5e5' } } }
        : { type: 'value', scale: drawn > 0, min: drawn > 0 ? undefined : 0, max: drawn > 0 ? undefined : 1,
          name: fam.yLabel, nameTextStyle: { align: 'left' }, axisLabel: { formatter: tick }, axisLine: { onZero: false },
          splitLine: { lineStyle: { color: '#e5e5e5' } } },
      series: series
    };
  }

  function draw(c, f) {
    if (c.chart) {
      var current = c.chart.getOption();
      if (current && current.legend && current.legend[0]) c.legend = current.legend[0].selected || {};
    }
    if (!c.chart) {
      c.chart = echarts.init(c.el, null, { renderer: 'svg' });
      // Click a line or a point: show that series alone ("all" in the legend brings the rest back).
      c.chart.on('click', function (p) {
        if (p.componentType !== 'series') return;
        var names = c.chart.getOption().series.map(function (s) { return s.name; });
        names.forEach(function (n) {
          c.chart.dispatchAction({ type: n === p.seriesName ? 'legendSelect' : 'legendUnSelect', name: n });
        });
      });
    }
    c.chart.setOption(option(c, f), { notMerge: true });
  }

  /** Draws the charts on view; a hidden one (the other view of a family) is drawn when it is shown. */
  function drawAll() {
    var f = selected();
    charts.forEach(function (c) { if (visible(c.el)) draw(c, f); });
  }

  function visible(el) {
    return el.offsetParent !== null;
  }

  function init() {
    document.querySelectorAll('div.chart[data-family]').forEach(function (el) {
      var fam = DATA[el.getAttribute('data-family')];
      if (!fam) return;
      var g = el.getAttribute('data-group');
      charts.push({ el: el, fam: fam, family: fam.id, group: g === 'all' ? 'all' : +g, chart: null, legend: {}, drawn: 0 });
    });
    document.querySelectorAll('select[data-filter]').forEach(function (s) { s.addEventListener('change', drawAll); });
    document.querySelectorAll('button.show-all').forEach(function (b) {
      b.addEventListener('click', function () {
        var family = b.closest('.family');
        var whole = family.querySelector('figure.whole');
        var groups = family.querySelector('.multiples');
        var showWhole = whole.hidden;
        whole.hidden = !showWhole;
        groups.hidden = showWhole;
        b.textContent = showWhole ? 'Back to ' + groups.children.length + ' charts of at most 8 series'
          : b.getAttribute('data-label');
        var f = selected();
        charts.forEach(function (c) {
          if (family.contains(c.el) && visible(c.el)) { draw(c, f); c.chart.resize(); }
        });
      });
      b.setAttribute('data-label', b.textContent);
    });
    window.addEventListener('resize', function () {
      charts.forEach(function (c) { if (c.chart) c.chart.resize(); });
    });
    drawAll();
    window.klbench.ready = true;
  }

  if (typeof echarts === 'undefined') {
    document.querySelectorAll('noscript').forEach(function (n) {
      var d = document.createElement('div');
      d.innerHTML = n.textContent;
      n.parentNode.insertBefore(d, n);
    });
    return;
  }
  init();
})();

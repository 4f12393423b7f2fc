// ImageGen Studio: the single page behind `imagegen serve`. No framework; one module in an IIFE.
(function () {
  'use strict';

  const TABS = ['complete', 'backgrounds', 'letters', 'runs'];
  const PRESET_LABELS = { bottom: 'bottom half', top: 'top half', left: 'left half', right: 'right half', centre: 'centre square', center: 'centre square' };
  const DETERMINISTIC = ['bottom', 'top', 'left', 'right', 'centre', 'center'];
  const NO_RUNS = "No runs under the server's --runs folder yet: train one with `imagegen train --task complete --output runs/…`";

  const $ = (selector, root) => (root || document).querySelector(selector);

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    setProps(node, props);
    appendAll(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setProps(node, attrs);
    appendAll(node, children);
    return node;
  }

  function setProps(node, props) {
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.setAttribute('class', value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }

  function appendAll(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
  }

  /** Text with `backticked` parts set as <code>. */
  function richText(text) {
    return String(text).split('`').map((part, i) => (i % 2 ? h('code', { text: part }) : part));
  }

  function formatNumber(value) {
    if (typeof value !== 'number' || !isFinite(value)) return '—';
    const a = Math.abs(value);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return value.toExponential(3);
    return String(Number(value.toPrecision(4)));
  }

  function relativeTime(iso) {
    const then = Date.parse(iso);
    if (isNaN(then)) return iso || '—';
    const seconds = Math.round((Date.now() - then) / 1000);
    if (seconds < 45) return 'just now';
    const units = [[60, 'min', 60], [24, 'h', 3600], [30, 'd', 86400]];
    for (const [limit, unit, size] of units) {
      const n = Math.round(seconds / size);
      if (n < limit) return `${n} ${unit} ago`;
    }
    return new Date(then).toLocaleDateString();
  }

  function loadImage(src) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error('The image could not be decoded'));
      image.src = src;
    });
  }

  function readInt(input, min, max, name) {
    const value = Number(input.value);
    if (input.value.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  // ---------------------------------------------------------------- API and panel feedback

  async function api(path, body) {
    const options = { headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.method = 'POST';
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      throw new Error('Could not reach the server — is `imagegen serve` still running?');
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (error) { data = null; }
    if (!response.ok) {
      const message = data && data.error ? data.error : `${response.status} ${response.statusText || 'error'}`;
      throw new Error(message);
    }
    if (data === null) throw new Error('The server answered with something that is not JSON');
    return data;
  }

  function panel(name) { return document.getElementById(`panel-${name}`); }

  function showError(tab, error) {
    const box = $('.error', panel(tab));
    box.replaceChildren(...richText(error && error.message ? error.message : String(error)));
    box.hidden = false;
  }

  function clearError(tab) { $('.error', panel(tab)).hidden = true; }

  function showEmpty(tab, message) {
    const box = $('.empty', panel(tab));
    box.hidden = !message;
    if (message) box.replaceChildren(...richText(message));
    for (const part of panel(tab).querySelectorAll('.needs-runs')) part.hidden = Boolean(message);
  }

  /** Runs `task` with `button` disabled and showing `label`, errors going to the tab's error box. */
  async function busy(tab, button, label, resultBox, task) {
    const original = button.textContent;
    button.disabled = true;
    button.classList.add('busy');
    button.textContent = label;
    if (resultBox) resultBox.setAttribute('aria-busy', 'true');
    clearError(tab);
    try {
      await task();
    } catch (error) {
      showError(tab, error);
    } finally {
      button.disabled = false;
      button.classList.remove('busy');
      button.textContent = original;
      if (resultBox) resultBox.removeAttribute('aria-busy');
    }
  }

  function figure(src, caption, className, width, height) {
    return h('figure', { class: 'figure' },
      h('img', { src, class: className, width, height, alt: caption }),
      h('figcaption', { text: caption }));
  }

  // ---------------------------------------------------------------- tabs

  const app = { runs: [], root: '', tab: 'complete', timers: {} };

  function showTab(name, focus) {
    if (!TABS.includes(name)) name = 'complete';
    app.tab = name;
    for (const tab of TABS) {
      const button = document.getElementById(`tab-${tab}`);
      const active = tab === name;
      button.setAttribute('aria-selected', String(active));
      button.tabIndex = active ? 0 : -1;
      panel(tab).hidden = !active;
      if (active && focus) button.focus();
    }
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    if (name === 'runs') Runs.start(); else Runs.stop();
  }

  function setUpTabs() {
    TABS.forEach((tab, i) => {
      const button = document.getElementById(`tab-${tab}`);
      button.addEventListener('click', () => showTab(tab));
      button.addEventListener('keydown', (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (event.key === 'Home' || event.key === 'End') {
          event.preventDefault();
          showTab(event.key === 'Home' ? TABS[0] : TABS[TABS.length - 1], true);
        } else if (step) {
          event.preventDefault();
          showTab(TABS[(i + step + TABS.length) % TABS.length], true);
        }
      });
    });
    window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));
  }

  // ---------------------------------------------------------------- run list and pickers

  async function loadRuns() {
    const list = await api('/api/runs');
    app.runs = Array.isArray(list.runs) ? list.runs : [];
    app.root = list.root || '';
    fillPickers();
    return app.runs;
  }

  function runById(id) { return app.runs.find((run) => run.id === id); }

  /** Replaces a select's options, keeping its value when that run is still listed. */
  function fillSelect(select, runs, label, keep) {
    const previous = select.value;
    const fixed = Array.from(select.options).slice(0, keep || 0);
    select.replaceChildren(...fixed, ...runs.map((run) => h('option', { value: run.id, text: label(run) })));
    if (Array.from(select.options).some((o) => o.value === previous)) select.value = previous;
    return select.value !== previous;
  }

  function completeLabel(run) {
    const parts = [run.name];
    if (run.model) parts.push(run.model);
    if (run.mask) parts.push(`mask ${run.mask}`);
    return parts.join(' · ') + (run.sampling ? '  ✦ sampling' : '');
  }

  function fillPickers() {
    const runs = app.runs;
    const completing = runs.filter((r) => r.completes);
    const backgrounds = runs.filter((r) => r.job === 'background');
    const gans = runs.filter((r) => r.job === 'gan');
    const kind = (r) => [r.name, r.model].filter(Boolean).join(' · ');

    if (fillSelect($('#complete-run'), completing, completeLabel) || !Complete.run) Complete.selectRun($('#complete-run').value);
    fillSelect($('#background-run'), backgrounds, kind);
    fillSelect($('#letter-run'), gans, kind);
    fillSelect($('#letter-background-run'), backgrounds, kind, 1);

    showEmpty('complete', runs.length === 0 ? NO_RUNS
      : completing.length === 0 ? 'No completion runs yet: train one with `imagegen train --task complete --output runs/…`' : '');
    showEmpty('backgrounds', backgrounds.length ? ''
      : 'No background runs yet: train one with `imagegen backgrounds train --output runs/backgrounds`');
    showEmpty('letters', gans.length ? '' : 'No letter GAN runs yet: train one with `imagegen gan train --output runs/gan`');
    Runs.renderTable();
  }

  // ---------------------------------------------------------------- Complete tab

  const Complete = (function () {
    const canvas = $('#mask-canvas');
    const context = canvas.getContext('2d');
    const base = document.createElement('canvas'); // the image at the model's size
    const baseContext = base.getContext('2d', { willReadFrequently: true });
    const s = {
      H: 28, W: 28, C: 1, scale: 12, mask: new Uint8Array(28 * 28).fill(1), known: true,
      preset: 'run', undo: [], tool: 'brush', source: null, hasImage: false,
      drawing: false, last: null, hover: null, pointerId: null,
    };

    /** The visible (1) / hidden (0) grid of a deterministic preset, or null for random ones. */
    function presetMask(name, H, W) {
      const mask = new Uint8Array(H * W).fill(1);
      const hide = (rows, cols) => {
        for (let y = Math.max(0, rows[0]); y < Math.min(H, rows[1]); y++) {
          for (let x = Math.max(0, cols[0]); x < Math.min(W, cols[1]); x++) mask[y * W + x] = 0;
        }
      };
      const side = Math.floor(Math.min(H, W) / 2);
      switch (name) {
        case 'bottom': hide([Math.floor(W / 2) + 1, H], [0, W]); break; // the article's rows (28×28: 15…27)
        case 'top': hide([0, Math.floor(H / 2)], [0, W]); break;
        case 'left': hide([0, H], [0, Math.floor(W / 2)]); break;
        case 'right': hide([0, H], [Math.floor(W / 2), W]); break;
        case 'centre': case 'center': {
          const top = Math.floor((H - side) / 2), left = Math.floor((W - side) / 2);
          hide([top, top + side], [left, left + side]);
          break;
        }
        default: return null;
      }
      return mask;
    }

    function setUpCanvas() {
      const shape = (s.run && s.run.imageShape) || [28, 28, 1];
      const [H, W, C] = [shape[0] || 28, shape[1] || 28, shape[2] || 1];
      const changed = H !== s.H || W !== s.W;
      Object.assign(s, { H, W, C, scale: Math.max(1, Math.min(24, Math.floor(360 / Math.max(H, W)))) });
      canvas.width = W * s.scale;
      canvas.height = H * s.scale;
      if (changed || base.width !== W) {
        base.width = W;
        base.height = H;
        s.hasImage = false;
      }
      return changed;
    }

    // ---- mask state

    function pushUndo() {
      s.undo.push({ mask: s.mask.slice(), preset: s.preset, known: s.known });
      if (s.undo.length > 100) s.undo.shift();
      $('#undo').disabled = false;
    }

    function setPreset(name, remember) {
      if (remember) pushUndo();
      s.preset = name;
      $('#mask-preset').value = name;
      if (name === 'painted') { redraw(); return; }
      const maskName = name === 'run' ? (s.run && s.run.mask) || '' : name;
      const grid = presetMask(maskName, s.H, s.W);
      s.known = Boolean(grid);
      s.mask = grid || new Uint8Array(s.H * s.W).fill(1);
      redraw();
    }

    function undo() {
      const entry = s.undo.pop();
      if (!entry) return;
      Object.assign(s, { mask: entry.mask, preset: entry.preset, known: entry.known });
      $('#mask-preset').value = entry.preset;
      $('#undo').disabled = s.undo.length === 0;
      redraw();
    }

    function clearMask() {
      pushUndo();
      s.mask = new Uint8Array(s.H * s.W).fill(1);
      s.known = true;
      s.preset = 'painted';
      $('#mask-preset').value = 'painted';
      redraw();
    }

    /** The grid cells a brush of the current size covers around model coordinates (fx, fy). */
    function brushCells(fx, fy) {
      const size = Number($('#brush-size').value) || 1;
      const cells = [];
      if (size === 1) {
        const x = Math.floor(fx), y = Math.floor(fy);
        if (x >= 0 && y >= 0 && x < s.W && y < s.H) cells.push(y * s.W + x);
        return cells;
      }
      const r = size / 2;
      for (let y = Math.floor(fy - r); y <= Math.ceil(fy + r); y++) {
        for (let x = Math.floor(fx - r); x <= Math.ceil(fx + r); x++) {
          if (x < 0 || y < 0 || x >= s.W || y >= s.H) continue;
          const dx = x + 0.5 - fx, dy = y + 0.5 - fy;
          if (dx * dx + dy * dy <= r * r) cells.push(y * s.W + x);
        }
      }
      return cells;
    }

    function paintLine(from, to) {
      const value = s.tool === 'brush' ? 0 : 1;
      const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 4));
      for (let i = 0; i <= steps; i++) {
        const t = i / steps;
        for (const cell of brushCells(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t)) s.mask[cell] = value;
      }
    }

    function pointerPosition(event) {
      const rect = canvas.getBoundingClientRect();
      return { x: ((event.clientX - rect.left) / rect.width) * s.W, y: ((event.clientY - rect.top) / rect.height) * s.H };
    }

    function onPointerDown(event) {
      if (event.button !== 0 || !s.run) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      pushUndo();
      if (!s.known) { s.mask.fill(1); s.known = true; }
      s.preset = 'painted';
      $('#mask-preset').value = 'painted';
      s.drawing = true;
      s.pointerId = event.pointerId;
      s.last = pointerPosition(event);
      paintLine(s.last, s.last);
      redraw();
    }

    function onPointerMove(event) {
      const point = pointerPosition(event);
      s.hover = event.pointerType === 'touch' ? null : point;
      if (s.drawing && event.pointerId === s.pointerId) {
        paintLine(s.last, point);
        s.last = point;
      }
      redraw();
    }

    function onPointerUp(event) {
      if (event.pointerId !== s.pointerId) return;
      s.drawing = false;
      s.pointerId = null;
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      redraw();
    }

    function setTool(tool) {
      s.tool = tool;
      $('#tool-brush').setAttribute('aria-pressed', String(tool === 'brush'));
      $('#tool-eraser').setAttribute('aria-pressed', String(tool === 'eraser'));
      canvas.classList.toggle('erasing', tool === 'eraser');
    }

    /** The painted mask as a W×H opaque PNG: white = visible, black = hidden. */
    function maskDataURL() {
      const off = document.createElement('canvas');
      off.width = s.W;
      off.height = s.H;
      const ctx = off.getContext('2d');
      const data = ctx.createImageData(s.W, s.H);
      for (let i = 0; i < s.mask.length; i++) {
        const v = s.mask[i] ? 255 : 0;
        data.data.set([v, v, v, 255], i * 4);
      }
      ctx.putImageData(data, 0, 0);
      return off.toDataURL('image/png');
    }

    async function loadMaskFrom(src) {
      const image = await loadImage(src);
      const off = document.createElement('canvas');
      off.width = s.W;
      off.height = s.H;
      const ctx = off.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(image, 0, 0, s.W, s.H);
      const pixels = ctx.getImageData(0, 0, s.W, s.H).data;
      for (let i = 0; i < s.mask.length; i++) s.mask[i] = pixels[i * 4] >= 128 ? 1 : 0;
      s.known = true;
      redraw();
    }

    // ---- drawing

    function redraw() {
      const k = s.scale;
      context.imageSmoothingEnabled = false;
      if (s.hasImage) {
        context.drawImage(base, 0, 0, s.W, s.H, 0, 0, s.W * k, s.H * k);
      } else {
        for (let y = 0; y < s.H; y += 2) {
          for (let x = 0; x < s.W; x += 2) {
            context.fillStyle = (x + y) % 4 === 0 ? '#e9ecf1' : '#f5f6f8';
            context.fillRect(x * k, y * k, 2 * k, 2 * k);
          }
        }
      }
      context.fillStyle = 'rgba(236, 32, 160, 0.58)';
      let hidden = 0;
      for (let i = 0; i < s.mask.length; i++) {
        if (s.mask[i]) continue;
        hidden++;
        context.fillRect((i % s.W) * k, Math.floor(i / s.W) * k, k, k);
      }
      if (s.hover && !s.drawing && s.run) {
        context.fillStyle = s.tool === 'brush' ? 'rgba(236, 32, 160, 0.32)' : 'rgba(255, 255, 255, 0.4)';
        for (const i of brushCells(s.hover.x, s.hover.y)) context.fillRect((i % s.W) * k, Math.floor(i / s.W) * k, k, k);
      }
      const total = s.H * s.W;
      const stats = $('#mask-stats');
      if (!s.known) {
        const name = s.preset === 'run' ? `the run's mask (${(s.run && s.run.mask) || 'default'})` : `“${s.preset}”`;
        stats.textContent = `${name} is drawn by the server from the seed; it shows here after Complete`;
      } else {
        stats.textContent = `${s.W}×${s.H} · ${hidden} of ${total} pixels hidden (${Math.round((100 * hidden) / total)}%)`;
      }
    }

    /** Draws `image` into the model-size canvas: centre crop to the aspect ratio, resize, grey for 1 channel. */
    function drawToBase(image) {
      const ctx = baseContext;
      const w = image.naturalWidth, hgt = image.naturalHeight;
      const target = s.W / s.H;
      let cw = w, ch = hgt;
      if (w / hgt > target) cw = Math.round(hgt * target); else ch = Math.round(w / target);
      ctx.imageSmoothingEnabled = !(w === s.W && hgt === s.H);
      ctx.clearRect(0, 0, s.W, s.H);
      ctx.drawImage(image, Math.floor((w - cw) / 2), Math.floor((hgt - ch) / 2), cw, ch, 0, 0, s.W, s.H);
      if (s.C === 1) {
        const data = ctx.getImageData(0, 0, s.W, s.H);
        const p = data.data;
        for (let i = 0; i < p.length; i += 4) {
          const grey = Math.round(0.299 * p[i] + 0.587 * p[i + 1] + 0.114 * p[i + 2]);
          p[i] = p[i + 1] = p[i + 2] = grey;
          p[i + 3] = 255;
        }
        ctx.putImageData(data, 0, 0);
      }
      s.hasImage = true;
      redraw();
    }

    // ---- image sources

    async function randomImage() {
      if (!s.run) return;
      const button = $('#random-image');
      await busy('complete', button, 'Loading…', null, async () => {
        const result = await api(`/api/runs/${encodeURIComponent(s.run.id)}/test-image`);
        const image = await loadImage(result.image);
        s.source = { kind: 'test', image: result.image, element: image, dataset: s.run.dataset };
        drawToBase(image);
        $('#image-info').textContent = `${result.className} · test image ${result.index} of ${result.count}`;
      });
    }

    function upload(file) {
      clearError('complete');
      if (!file) return;
      if (!/^image\/(png|jpeg)$/.test(file.type)) {
        showError('complete', `${file.name} is not a PNG or JPEG image`);
        return;
      }
      const reader = new FileReader();
      reader.onerror = () => showError('complete', `${file.name} could not be read`);
      reader.onload = async () => {
        try {
          const image = await loadImage(reader.result);
          s.source = { kind: 'upload', image: reader.result, element: image, name: file.name };
          drawToBase(image);
          $('#image-info').textContent = `${file.name} · ${image.naturalWidth}×${image.naturalHeight} — the server converts it to `
            + `${s.W}×${s.H}${s.C === 1 ? ' greyscale' : ''} when you press Complete`;
        } catch (error) {
          showError('complete', `${file.name}: ${error.message}`);
        }
      };
      reader.readAsDataURL(file);
    }

    // ---- run selection

    function selectRun(id) {
      const run = runById(id);
      s.run = run || null;
      if (!run) { $('#mask-note').textContent = ''; $('#run-info').textContent = ''; return; }
      const shapeChanged = setUpCanvas();
      const shape = run.imageShape ? run.imageShape.join('×') : 'unknown size';
      $('#run-info').textContent = [run.model, run.dataset, shape, run.sampling ? 'draws samples' : 'deterministic']
        .filter(Boolean).join(' · ');
      const note = $('#mask-note');
      note.classList.toggle('note-ok', run.takesMask);
      note.textContent = run.takesMask
        ? 'this model takes the mask as an input: it completes any mask you paint'
        : `this model was trained on its run's mask (${run.mask || 'none: it learned to reconstruct'}); other masks only hide pixels from it — it was not trained to fill them`;

      const samples = $('#samples');
      samples.disabled = !run.sampling;
      samples.value = run.sampling ? 4 : 1;
      $('#temperature').disabled = !run.sampling;
      $('#sampling-hint').textContent = run.sampling
        ? 'Each sample is a different completion; the mean shows what they agree on.'
        : 'A deterministic model gives one completion; samples and temperature do not apply.';

      if (shapeChanged || s.preset === 'run' || !s.known) { s.undo = []; $('#undo').disabled = true; setPreset('run'); }
      const keep = s.source && (s.source.kind === 'upload' || (!shapeChanged && s.source.dataset === run.dataset));
      if (keep) drawToBase(s.source.element);
      else {
        s.source = null;
        s.hasImage = false;
        redraw();
        randomImage();
      }
    }

    // ---- completion

    async function complete() {
      const button = $('#complete-button');
      const box = $('#complete-result');
      await busy('complete', button, 'Completing…', box, async () => {
        if (!s.run) throw new Error('Pick a run first');
        if (!s.source) throw new Error('Pick a random test image or upload one first');
        const body = {
          run: s.run.id,
          image: s.source.image,
          mask: s.preset === 'painted' ? maskDataURL() : s.preset,
          samples: s.run.sampling ? readInt($('#samples'), 1, 16, 'Samples') : 1,
          temperature: Number($('#temperature').value),
          seed: readInt($('#seed'), 0, 4294967295, 'The seed'),
        };
        const result = await api('/api/complete', body);
        renderResult(result);
        try {
          drawToBase(await loadImage(result.original));
          await loadMaskFrom(result.mask);
        } catch (error) { /* the result row still shows everything */ }
      });
    }

    function renderResult(r) {
      const W = r.width || s.W, H = r.height || s.H;
      const k = Math.max(1, Math.floor(168 / Math.max(W, H)));
      const size = [W * k, H * k];
      const completions = r.completions || [];
      const figures = [figure(r.occluded, 'occluded — what the model sees', 'result-occluded', ...size)];
      completions.forEach((src, i) => {
        const mse = r.sampleMSE && completions.length > 1 ? ` · MSE ${formatNumber(r.sampleMSE[i])}` : '';
        figures.push(figure(src, completions.length > 1 ? `sample ${i + 1}${mse}` : 'completion', 'result-completion', ...size));
      });
      if (r.mean) figures.push(figure(r.mean, `mean of ${completions.length}`, 'result-mean', ...size));
      figures.push(figure(r.original, 'original', 'result-original', ...size));
      figures.push(figure(r.mask, 'mask · white = visible', 'result-mask', ...size));

      const psnr = r.psnr >= 99 ? 'exact' : `PSNR ${Number(r.psnr).toFixed(1)} dB`;
      const metrics = `hidden pixels ${r.hiddenPixels} · MSE ${Number(r.hiddenMSE).toFixed(4)} · ${psnr}`;
      const conversion = r.conversion && r.conversion.length
        ? r.conversion.map((step) => h('li', { text: step }))
        : [h('li', { text: 'nothing: the image already had the model’s size and channels' })];
      const box = $('#complete-result');
      // replaceChildren would show a null as the text "null": absent parts are filtered out.
      box.replaceChildren(...[
        h('div', { class: 'result-head' },
          h('h2', { text: 'Result' }),
          h('span', { class: 'hint', text: `${r.model} · ${r.width}×${r.height}×${r.channels} · ${Math.round(r.milliseconds)} ms in the model` })),
        h('div', { class: 'figures' }, figures),
        h('p', { id: 'complete-metrics', class: 'metrics', text: metrics }),
        r.note ? h('p', { id: 'complete-note', class: 'note', text: r.note }) : null,
        h('div', { class: 'result-foot' },
          h('div', {}, h('h3', { text: 'Conversion' }), h('ul', { id: 'conversion', class: 'conversion' }, conversion)),
          completions.length ? h('a', { id: 'download', class: 'button secondary', href: completions[0], download: 'completion.png', text: 'Download completion' }) : null),
      ].filter(Boolean));
      box.hidden = false;
    }

    // ---- wiring

    function setUp() {
      canvas.addEventListener('pointerdown', onPointerDown);
      canvas.addEventListener('pointermove', onPointerMove);
      canvas.addEventListener('pointerup', onPointerUp);
      canvas.addEventListener('pointercancel', onPointerUp);
      canvas.addEventListener('pointerleave', () => { s.hover = null; redraw(); });
      $('#tool-brush').addEventListener('click', () => setTool('brush'));
      $('#tool-eraser').addEventListener('click', () => setTool('eraser'));
      $('#undo').addEventListener('click', undo);
      $('#clear').addEventListener('click', clearMask);
      $('#mask-preset').addEventListener('change', (event) => setPreset(event.target.value, true));
      $('#brush-size').addEventListener('input', (event) => { $('#brush-size-value').textContent = event.target.value; });
      $('#temperature').addEventListener('input', (event) => { $('#temperature-value').textContent = Number(event.target.value).toFixed(2); });
      $('#complete-run').addEventListener('change', (event) => selectRun(event.target.value));
      $('#random-image').addEventListener('click', randomImage);
      $('#upload').addEventListener('change', (event) => { upload(event.target.files[0]); event.target.value = ''; });
      $('#complete-button').addEventListener('click', complete);

      const wrap = $('#canvas-wrap');
      wrap.addEventListener('dragover', (event) => { event.preventDefault(); wrap.classList.add('dragging'); });
      wrap.addEventListener('dragleave', () => wrap.classList.remove('dragging'));
      wrap.addEventListener('drop', (event) => {
        event.preventDefault();
        wrap.classList.remove('dragging');
        upload(event.dataTransfer.files[0]);
      });
      // Files dropped elsewhere must not navigate away from the page.
      for (const type of ['dragover', 'drop']) document.addEventListener(type, (event) => event.preventDefault());

      document.addEventListener('keydown', (event) => {
        if (app.tab !== 'complete' || /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName)) return;
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') { event.preventDefault(); undo(); }
        else if (event.key === 'b') setTool('brush');
        else if (event.key === 'e') setTool('eraser');
        else if (event.key === '[' || event.key === ']') {
          const input = $('#brush-size');
          input.value = Math.min(6, Math.max(1, Number(input.value) + (event.key === ']' ? 1 : -1)));
          $('#brush-size-value').textContent = input.value;
        }
      });
      setUpCanvas();
      redraw();
    }

    return {
      setUp, selectRun,
      get run() { return s.run; },
      get maskGrid() { return { height: s.H, width: s.W, visible: Array.from(s.mask) }; },
    };
  })();

  // ---------------------------------------------------------------- Backgrounds tab

  const Backgrounds = {
    setUp() {
      const count = $('#background-count');
      count.addEventListener('input', () => {
        $('#background-button').textContent = `Sample ${count.value || ''}`.trim();
      });
      $('#background-button').addEventListener('click', () => Backgrounds.sample());
    },

    async sample() {
      const button = $('#background-button');
      const box = $('#background-result');
      await busy('backgrounds', button, 'Sampling…', box, async () => {
        const run = $('#background-run').value;
        if (!run) throw new Error('Pick a background run first');
        const body = { run, count: readInt($('#background-count'), 1, 64, 'Count'), seed: readInt($('#background-seed'), 0, 4294967295, 'The seed') };
        const result = await api('/api/backgrounds', body);
        Backgrounds.render(result);
      });
    },

    render(r) {
      const tiles = (r.images || []).map((src, i) => {
        const image = h('img', { src, class: 'background-image', width: 128, height: 128, alt: `background ${i + 1}` });
        image.addEventListener('load', () => {
          image.width = image.naturalWidth * 2;
          image.height = image.naturalHeight * 2;
        }, { once: true });
        return image;
      });
      const stat = (id, name, value, explanation) => h('div', { class: 'stat' },
        h('div', { class: 'stat-name', text: name }),
        h('div', { id, class: 'stat-value', text: formatNumber(value) }),
        h('div', { class: 'stat-help', text: explanation }));
      const box = $('#background-result');
      box.replaceChildren(
        h('div', { class: 'result-head' },
          h('h2', { text: `${tiles.length} backgrounds` }),
          h('span', { class: 'hint', text: r.kind ? `generator: ${r.kind}` : '' }),
          r.grid ? h('a', { class: 'button secondary', href: r.grid, download: 'backgrounds.png', text: 'Download grid' }) : null),
        h('div', { id: 'background-metrics', class: 'stats' },
          stat('background-diversity', 'diversity', r.diversity, 'mean standard deviation across the samples — higher is more varied'),
          stat('background-smoothness', 'smoothness', r.smoothness, 'mean squared difference of neighbouring pixels — lower is smoother'),
          stat('background-coverage', 'coverage', r.coverage, 'fraction of the colour-histogram bins the samples use')),
        h('div', { class: 'tile-grid' }, tiles));
      box.hidden = false;
    },
  };

  // ---------------------------------------------------------------- Letters tab

  const Letters = {
    setUp() {
      const input = $('#letter-text');
      input.addEventListener('input', () => Letters.validate());
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') { event.preventDefault(); Letters.write(); }
      });
      $('#letter-button').addEventListener('click', () => Letters.write());
    },

    /** The message for the text field, or '' when it is fine. */
    validate() {
      const text = $('#letter-text').value;
      const bad = Array.from(new Set(text.replace(/[A-Za-z ]/g, '')));
      let message = '';
      if (bad.length) message = `Only letters a–z and spaces: remove ${bad.map((c) => `“${c}”`).join(' ')}`;
      else if (!text.trim()) message = 'Type a word or two (letters a–z and spaces)';
      const field = $('#letter-text-message');
      field.textContent = message;
      $('#letter-text').setAttribute('aria-invalid', String(Boolean(message)));
      return message;
    },

    async write() {
      const button = $('#letter-button');
      const box = $('#letter-result');
      if (button.disabled) return;
      await busy('letters', button, 'Writing…', box, async () => {
        const run = $('#letter-run').value;
        if (!run) throw new Error('Pick a letter GAN run first');
        const message = Letters.validate();
        if (message) throw new Error(message);
        const body = { run, text: $('#letter-text').value, mode: $('#letter-mode').value, seed: readInt($('#letter-seed'), 0, 4294967295, 'The seed') };
        const backgroundRun = $('#letter-background-run').value;
        if (backgroundRun) body.backgroundRun = backgroundRun;
        Letters.render(await api('/api/letters', body));
      });
    },

    render(r) {
      const box = $('#letter-result');
      const image = h('img', { src: r.image, class: 'letter-image', alt: `“${r.text}” in generated letters` });
      image.addEventListener('load', () => {
        const room = Math.max(image.naturalWidth, box.clientWidth - 48);
        const k = Math.max(1, Math.min(6, Math.floor(room / image.naturalWidth)));
        image.width = image.naturalWidth * k;
        image.height = image.naturalHeight * k;
      }, { once: true });
      const letters = (r.letters || []).filter((x) => typeof x === 'string' && x.startsWith('data:'));
      box.replaceChildren(
        h('div', { class: 'result-head' },
          h('h2', { text: `“${r.text}”` }),
          h('span', { class: 'hint', text: `mode ${r.mode}` }),
          h('a', { class: 'button secondary', href: r.image, download: 'letters.png', text: 'Download' })),
        h('div', { class: 'letter-row' }, image),
        ...(letters.length ? [h('div', { class: 'letter-tiles' }, letters.map((src, i) => h('img', { src, class: 'letter-tile', alt: `letter ${i + 1}` })))] : []));
      box.hidden = false;
    },
  };

  // ---------------------------------------------------------------- Runs tab

  const Runs = (function () {
    let selected = null; // { id, detail }
    let listBusy = false, metricsBusy = false;

    function progressView(progress, status) {
      if (!progress) return null;
      const text = `${progress.done}/${progress.total} ${progress.unit}`;
      if (status !== 'training') return h('span', { class: 'hint', text });
      return h('span', { class: 'progress-wrap' },
        h('progress', { max: Math.max(1, progress.total), value: progress.done, 'aria-label': `training progress ${text}` }),
        h('span', { class: 'hint', text }));
    }

    function kindText(run) {
      if (run.job === 'autoencoder') {
        return [run.model, run.task, run.task === 'complete' && run.mask ? `mask ${run.mask}` : null].filter(Boolean).join(' · ');
      }
      return [run.model, run.dataset].filter(Boolean).join(' · ') || '—';
    }

    function metricsText(metrics) {
      const entries = Object.entries(metrics || {}).slice(0, 4);
      if (!entries.length) return h('span', { class: 'hint', text: '—' });
      return h('span', { class: 'metric-list' }, entries.map(([name, value]) =>
        h('span', { class: 'metric' }, h('span', { class: 'metric-name', text: name.replace(/_/g, ' ') }), ` ${formatNumber(value)}`)));
    }

    function renderTable() {
      const body = $('#runs-table tbody');
      $('#runs-root').textContent = app.root ? `under ${app.root}` : '';
      showEmpty('runs', app.runs.length ? '' : NO_RUNS);
      $('#runs-table').closest('.card').hidden = app.runs.length === 0;
      body.replaceChildren(...app.runs.map((run) => {
        const open = h('button', { type: 'button', class: 'link-button', text: run.name, onclick: (event) => { event.stopPropagation(); select(run.id); } });
        const row = h('tr', { 'data-id': run.id, class: selected && selected.id === run.id ? 'selected' : null },
          h('td', {}, open),
          h('td', { text: run.title }),
          h('td', { text: kindText(run) }),
          h('td', {}, h('span', { class: `badge status-${run.status}`, text: run.status }), progressView(run.progress, run.status)),
          h('td', {}, metricsText(run.finalMetrics)),
          h('td', { title: run.updated, text: relativeTime(run.updated) }),
          h('td', {}, run.hasReport ? h('a', { href: `/runs/${encodeURIComponent(run.id)}/report.html`, target: '_blank', rel: 'noopener', text: 'report ↗' }) : '—'));
        row.addEventListener('click', () => select(run.id));
        return row;
      }));
    }

    async function select(id) {
      clearError('runs');
      stopMetrics();
      try {
        const detail = await api(`/api/runs/${encodeURIComponent(id)}`);
        selected = { id, detail };
        renderDetail();
        renderTable();
        if (detail.run.status === 'training' && app.tab === 'runs') startMetrics();
      } catch (error) {
        showError('runs', error);
      }
    }

    function configTable(configuration) {
      const rows = Object.entries(configuration || {}).map(([key, value]) => h('tr', {},
        h('th', { scope: 'row', text: key }),
        h('td', { text: value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value) })));
      return rows.length ? h('table', { class: 'kv' }, h('tbody', {}, rows)) : h('p', { class: 'hint', text: 'No configuration saved.' });
    }

    function renderDetail() {
      const { run, configuration, metrics } = selected.detail;
      const box = $('#run-detail');
      box.replaceChildren(
        h('div', { class: 'result-head' },
          h('h2', { text: run.name }),
          h('span', { class: `badge status-${run.status}`, text: run.status }),
          h('span', { id: 'run-detail-progress' }, progressView(run.progress, run.status)),
          run.hasReport ? h('a', { class: 'button secondary', href: `/runs/${encodeURIComponent(run.id)}/report.html`, target: '_blank', rel: 'noopener', text: 'Open report ↗' }) : null),
        h('p', { class: 'hint', text: [run.title, kindText(run), run.dataset].filter(Boolean).join(' · ') }),
        h('div', { class: 'detail-grid' },
          h('section', {}, h('h3', { text: 'Curves' }), h('div', { id: 'run-curves', class: 'charts' })),
          h('section', {}, h('h3', { text: 'Configuration' }), configTable(configuration))));
      renderCurves(metrics);
      box.hidden = false;
    }

    /** Groups metric columns into charts: train/validation versions of a measure together, all losses together. */
    function chartGroups(columns) {
      const groups = new Map();
      columns.slice(1).forEach((name, i) => {
        let key = name.replace(/^(train|training|validation|val|test)_/, '');
        if (/loss$/.test(key)) key = 'loss';
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(i + 1);
      });
      return groups;
    }

    function renderCurves(metrics) {
      const box = $('#run-curves');
      if (!box) return;
      const columns = (metrics && metrics.columns) || [];
      const rows = (metrics && metrics.rows) || [];
      if (columns.length < 2 || rows.length === 0) {
        box.replaceChildren(h('p', { class: 'hint', text: 'No metrics logged yet.' }));
        return;
      }
      const charts = [];
      for (const [key, indices] of chartGroups(columns)) {
        charts.push(lineChart(key.replace(/_/g, ' '), columns[0], rows.map((r) => r[0]),
          indices.map((c) => ({ name: columns[c].replace(/_/g, ' '), values: rows.map((r) => r[c]) }))));
      }
      box.replaceChildren(...charts);
    }

    /** A small SVG line chart; null values break the line. Log scale when positive values span two decades. */
    function lineChart(title, xName, xs, series) {
      const width = 420, height = 210, m = { l: 54, r: 12, t: 10, b: 30 };
      const finite = (v) => typeof v === 'number' && isFinite(v);
      const ys = series.flatMap((sr) => sr.values.filter(finite));
      const xv = xs.filter(finite);
      if (!ys.length || !xv.length) return h('figure', { class: 'chart' }, h('figcaption', { text: `${title}: no values yet` }));
      let lo = Math.min(...ys), hi = Math.max(...ys);
      const log = lo > 0 && hi / lo >= 100;
      const f = log ? Math.log10 : (v) => v;
      let a = f(lo), b = f(hi);
      if (a === b) { a -= 1; b += 1; } else { const pad = (b - a) * 0.06; a -= pad; b += pad; }
      const x0 = Math.min(...xv), x1 = Math.max(...xv) === x0 ? x0 + 1 : Math.max(...xv);
      const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
      const py = (y) => height - m.b - ((f(y) - a) / (b - a)) * (height - m.t - m.b);

      const grid = [];
      const ticks = log ? logTicks(a, b) : niceTicks(a, b);
      for (const t of ticks) {
        const y = log ? py(10 ** t) : py(t);
        grid.push(svg('line', { x1: m.l, x2: width - m.r, y1: y, y2: y, class: 'grid-line' }));
        grid.push(svg('text', { x: m.l - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, formatNumber(log ? 10 ** t : t)));
      }
      for (const x of [x0, x1]) grid.push(svg('text', { x: px(x), y: height - m.b + 16, class: 'tick', 'text-anchor': x === x0 ? 'start' : 'end' }, formatNumber(x)));
      grid.push(svg('text', { x: (m.l + width - m.r) / 2, y: height - 4, class: 'axis-label', 'text-anchor': 'middle' }, xName));

      const lines = series.map((sr, i) => {
        let d = '', pen = false;
        sr.values.forEach((v, j) => {
          if (!finite(v) || !finite(xs[j])) { pen = false; return; }
          d += `${pen ? 'L' : 'M'}${px(xs[j]).toFixed(1)},${py(v).toFixed(1)}`;
          pen = true;
        });
        const last = sr.values.filter(finite).length === 1 ? sr.values.findIndex(finite) : -1;
        return [svg('path', { d, class: `series series-${i % 6}` }),
          last >= 0 ? svg('circle', { cx: px(xs[last]), cy: py(sr.values[last]), r: 3, class: `dot series-${i % 6}` }) : null];
      });
      const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title} against ${xName}` },
        svg('rect', { x: m.l, y: m.t, width: width - m.l - m.r, height: height - m.t - m.b, class: 'plot-area' }), grid, lines);
      const legend = h('div', { class: 'chart-legend' }, series.map((sr, i) => {
        const lastValue = [...sr.values].reverse().find(finite);
        return h('span', { class: 'legend-item' }, h('span', { class: `swatch series-${i % 6}` }), `${sr.name} `,
          h('span', { class: 'hint', text: formatNumber(lastValue) }));
      }));
      return h('figure', { class: 'chart' }, h('figcaption', {}, title, log ? h('span', { class: 'hint', text: ' · log scale' }) : null), chart, legend);
    }

    function niceTicks(a, b) {
      const raw = (b - a) / 4, mag = 10 ** Math.floor(Math.log10(raw));
      const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => raw <= k);
      const ticks = [];
      for (let t = Math.ceil(a / step) * step; t <= b + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
      return ticks;
    }

    function logTicks(a, b) {
      const ticks = [];
      for (let t = Math.ceil(a); t <= Math.floor(b); t++) ticks.push(t);
      return ticks.length >= 2 ? ticks : niceTicks(a, b).map((t) => t);
    }

    // ---- polling while the tab is open

    async function refreshList() {
      if (listBusy) return;
      listBusy = true;
      try { await loadRuns(); clearError('runs'); } catch (error) { showError('runs', error); } finally { listBusy = false; }
    }

    async function pollMetrics() {
      if (!selected || metricsBusy) return;
      metricsBusy = true;
      const id = selected.id;
      try {
        const progress = await api(`/api/runs/${encodeURIComponent(id)}/metrics`);
        if (!selected || selected.id !== id) return;
        const run = selected.detail.run;
        Object.assign(run, { status: progress.status, progress: progress.progress, updated: progress.updated });
        selected.detail.metrics = progress.metrics;
        const slot = $('#run-detail-progress');
        if (slot) slot.replaceChildren(...[progressView(run.progress, run.status)].filter(Boolean));
        const badge = $('#run-detail .badge');
        if (badge) { badge.textContent = run.status; badge.className = `badge status-${run.status}`; }
        renderCurves(progress.metrics);
        const listed = runById(id);
        if (listed) { Object.assign(listed, { status: run.status, progress: run.progress, updated: run.updated }); renderTable(); }
        if (progress.status !== 'training') { stopMetrics(); refreshList(); }
      } catch (error) {
        showError('runs', error);
      } finally {
        metricsBusy = false;
      }
    }

    function startMetrics() {
      stopMetrics();
      app.timers.metrics = setInterval(pollMetrics, 2000);
    }

    function stopMetrics() {
      clearInterval(app.timers.metrics);
      app.timers.metrics = null;
    }

    return {
      renderTable, select,
      start() {
        if (app.timers.list) return;
        refreshList();
        app.timers.list = setInterval(refreshList, 5000);
        if (selected && selected.detail.run.status === 'training') startMetrics();
      },
      stop() {
        clearInterval(app.timers.list);
        app.timers.list = null;
        stopMetrics();
      },
    };
  })();

  // ---------------------------------------------------------------- start

  async function start() {
    setUpTabs();
    Complete.setUp();
    Backgrounds.setUp();
    Letters.setUp();
    showTab(location.hash.slice(1) || 'complete');
    try {
      await loadRuns();
    } catch (error) {
      for (const tab of TABS) showError(tab, error);
    }
  }

  window.ImageGenStudio = { complete: Complete, reload: loadRuns };
  start();
})();

// The run views: timeline (sequence diagram + time scrubber), cluster view, producer
// view, charts and compare mode. The playground shell (and the <kplay-scenario> widget)
// mount them with mountViews and feed them each finished run.
//
// CONTRACT (the shell relies on exactly this):
//
//   const views = mountViews(root, api, { panels })
//     root    an empty HTMLElement the views own
//     api     {
//               engine,          createEngine() instance (engine-client.js): snapshotAt(...)
//               getText(),       the scenario text of the run shown (the only state)
//               getOptions(),    the options it was run with ({records: true, trace: true, ...})
//               runVariant(text) Promise<RunOutcome> (compare mode: run another text)
//             }
//     panels  which views to show, any of 'timeline', 'cluster', 'producer', 'charts',
//             'compare' (default: all)
//   views.update(report)   a finished run's report (records and trace included)
//   views.clear()          no valid run (e.g. the text has errors)
//   views.destroy()
//
// Every view marks itself with data-testid="view-<name>" for the end-to-end tests.
//
// This first version only lists what the run produced; the full views replace it.

export function mountViews(root, api, { panels } = {}) {
  const shown = panels ?? ['timeline', 'cluster', 'producer', 'charts', 'compare'];
  root.replaceChildren();
  const note = document.createElement('p');
  note.dataset.testid = 'views';
  root.append(note);
  return {
    update(report) {
      note.textContent = `${report.trace?.length ?? 0} trace events; views: ${shown.join(', ')}`;
    },
    clear() {
      note.textContent = '';
    },
    destroy() {
      root.replaceChildren();
    },
  };
}

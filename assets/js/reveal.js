// Shows a block of questions only while the radio it belongs to is chosen: an element with
// data-reveal-for="outcome" data-reveal-value="signposted" shows while outcome=signposted is
// checked. Without JavaScript the block is always shown (and the server checks it). Unlike
// GOV.UK's conditional reveal it sets no aria-expanded on the radio, which ARIA does not allow.
export function initReveals(root = document) {
  for (const block of root.querySelectorAll('[data-reveal-for]')) {
    const form = block.closest('form');
    const name = block.dataset.revealFor;
    const value = block.dataset.revealValue;
    if (!form || !name) continue;
    const update = () => {
      const chosen = [...form.querySelectorAll('input[type="radio"]')].find((input) => input.name === name && input.checked);
      block.classList.toggle('govuk-radios__conditional--hidden', chosen?.value !== value);
    };
    form.addEventListener('change', (event) => {
      if (event.target?.name === name) update();
    });
    update();
  }
}

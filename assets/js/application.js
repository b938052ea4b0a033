// The one script on every page: it enhances GOV.UK and MOJ components. Every page works without it.
import { initAll as initGovUkFrontend } from 'govuk-frontend';
import { initAll as initMojFrontend } from '@ministryofjustice/frontend';
import { initContactTimers } from './contact-timer.js';
import { initReveals } from './reveal.js';

initGovUkFrontend();
initMojFrontend();
initContactTimers();
initReveals();

// What `onedoor import services` needs of the catalogue's SQL, named here so that the import
// (integration/imports/services.ts) reaches the catalogue through it, as customers' import does.
export { insertService, serviceCodes, teamsServingCouncil } from './repo.ts';

/**
 * Azure public-cloud location names the sandbox accepts, and the ones without
 * availability zones (zone-redundant replicas are rejected there).
 * Kept inline so the sandbox has no dependency on the app's catalog.
 */
export const KNOWN_LOCATIONS: ReadonlySet<string> = new Set([
  'eastus', 'eastus2', 'southcentralus', 'westus2', 'westus3', 'australiaeast', 'southeastasia', 'northeurope',
  'swedencentral', 'uksouth', 'westeurope', 'centralus', 'southafricanorth', 'centralindia', 'eastasia',
  'japaneast', 'koreacentral', 'canadacentral', 'francecentral', 'germanywestcentral', 'italynorth',
  'norwayeast', 'polandcentral', 'spaincentral', 'switzerlandnorth', 'mexicocentral', 'uaenorth',
  'brazilsouth', 'israelcentral', 'qatarcentral', 'northcentralus', 'westus', 'japanwest', 'centraluseuap',
  'eastus2euap', 'westcentralus', 'southafricawest', 'australiacentral', 'australiacentral2',
  'australiasoutheast', 'jioindiacentral', 'jioindiawest', 'koreasouth', 'southindia', 'westindia',
  'canadaeast', 'francesouth', 'germanynorth', 'norwaywest', 'switzerlandwest', 'ukwest', 'uaecentral',
  'brazilsoutheast', 'newzealandnorth', 'indonesiacentral', 'malaysiawest', 'austriaeast', 'chilecentral',
  'belgiumcentral', 'denmarkeast',
]);

export const LOCATIONS_WITHOUT_ZONES: ReadonlySet<string> = new Set([
  'westus', 'northcentralus', 'westcentralus', 'canadaeast', 'ukwest', 'francesouth', 'germanynorth',
  'norwaywest', 'switzerlandwest', 'uaecentral', 'southindia', 'westindia', 'koreasouth',
  'australiasoutheast', 'australiacentral2', 'southafricawest', 'brazilsoutheast', 'jioindiacentral',
  'jioindiawest',
]);

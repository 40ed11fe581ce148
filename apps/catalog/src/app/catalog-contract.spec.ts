import { CatalogContract } from '@shop/contracts';
import { contractMismatches } from '@shop/testing';
import { CatalogAppModule } from './catalog-app.module';
import { loadCatalogConfig } from './catalog.config';

describe('the catalog app and its contract', () => {
  it('handles every declared operation exactly once, and nothing undeclared', () => {
    expect(contractMismatches(CatalogContract, CatalogAppModule.forRoot(loadCatalogConfig({})))).toEqual([]);
  });
});

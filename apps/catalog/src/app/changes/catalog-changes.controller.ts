import { Controller } from '@nestjs/common';
import { type CatalogChangesDto, CatalogChangesRequest, CatalogContract } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { CatalogChangesService } from './catalog-changes.service';

@Controller()
export class CatalogChangesController {
  constructor(private readonly changes: CatalogChangesService) {}

  @Handles(CatalogContract.operations.changes)
  since(@RpcData() request: CatalogChangesRequest): Promise<CatalogChangesDto> {
    return this.changes.since(request.since);
  }
}

import { Module } from '@nestjs/common';
import { CategoriesController } from './categories.controller';
import { CategoryService } from './category.service';

@Module({ controllers: [CategoriesController], providers: [CategoryService] })
export class CategoriesModule {}

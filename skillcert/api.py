from ninja import NinjaAPI

from catalog.api import router as catalog_router

api = NinjaAPI(
    title="skillcert API",
    version="1",
    description="职业技能等级认定平台接口。Errors carry a Chinese `detail`.",
    urls_namespace="api",
)
api.add_router("/", catalog_router)
api.add_router("/", "applications.api.router")

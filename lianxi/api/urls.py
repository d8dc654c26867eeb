from ninja import NinjaAPI

api = NinjaAPI(title="联席 API", version="1", urls_namespace="api")

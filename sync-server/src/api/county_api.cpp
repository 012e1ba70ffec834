// CountyApi: every route of the county server on one Router.
#include "api/county_api.h"

#include "api/enroll_routes.h"
#include "api/monitoring_routes.h"
#include "api/record_routes.h"
#include "api/report_routes.h"
#include "api/service_routes.h"
#include "api/sync_routes.h"

namespace doorstep::server {

CountyApi::CountyApi(const std::filesystem::path& data_dir, std::string server_fingerprint,
                     web::DashboardOptions dashboard)
    : county_(data_dir, std::move(server_fingerprint), metrics_),
      dashboard_(std::make_unique<web::Dashboard>(county_, data_dir, std::move(dashboard))) {
  add_service_routes(router_, metrics_);
  add_enroll_routes(router_, county_);
  add_sync_routes(router_, county_);
  add_record_routes(router_, county_);
  add_monitoring_routes(router_, county_);
  add_report_routes(router_, county_);
  dashboard_->add_routes(router_);
}

}  // namespace doorstep::server

#!/usr/bin/env bash
# Publish a built site to an S3-compatible bucket served through a CDN.
#
#   OTKB_BUCKET=my-bucket scripts/deploy-s3.sh [SITE_DIR]    (SITE_DIR: site)
#
# Needs the AWS CLI with credentials allowed to write the bucket. For other
# S3-compatible stores (Cloudflare R2, Backblaze B2, DigitalOcean Spaces,
# MinIO) set AWS_ENDPOINT_URL too. With OTKB_CLOUDFRONT_DISTRIBUTION set, the
# CloudFront cache is cleared at the end. Set up: README.md, "Publishing".
#
# Material's fingerprinted bundles (bundle.<hash>.min.js, main.<hash>.min.css,
# ...) get a new name whenever they change, so they are cached for a year;
# everything else (HTML, search index, sitemap, otkb.css, images) for 5
# minutes. The bundles go up first, so no page points at a file not yet there.
# Old bundles are left in place (they are small) so pages a browser or the CDN
# still holds keep working; every other file no longer in SITE_DIR is deleted.
set -euo pipefail

site="${1:-site}"
bucket="${OTKB_BUCKET:?set OTKB_BUCKET to the bucket name, e.g. OTKB_BUCKET=otkb-site}"
if [ ! -f "$site/index.html" ]; then
  echo "deploy-s3: $site/index.html not found; build the site first (mkdocs build --strict)" >&2
  exit 1
fi

fingerprinted=(
  "assets/javascripts/bundle.*"
  "assets/javascripts/workers/search.*"
  "assets/stylesheets/main.*"
  "assets/stylesheets/palette.*"
)
only_fingerprinted=(--exclude "*")
not_fingerprinted=(--exclude "_headers")
for pattern in "${fingerprinted[@]}"; do
  only_fingerprinted+=(--include "$pattern")
  not_fingerprinted+=(--exclude "$pattern")
done

aws s3 sync "$site/" "s3://$bucket/" "${only_fingerprinted[@]}" \
  --cache-control "public, max-age=31536000, immutable"
aws s3 sync "$site/" "s3://$bucket/" "${not_fingerprinted[@]}" --delete \
  --cache-control "public, max-age=300"

if [ -n "${OTKB_CLOUDFRONT_DISTRIBUTION:-}" ]; then
  aws cloudfront create-invalidation --distribution-id "$OTKB_CLOUDFRONT_DISTRIBUTION" --paths "/*"
fi
echo "deploy-s3: published $site to s3://$bucket"

"""The service catalog: the committed file against the exam guide, every check with its line,
and matching what learners write (topic headings) to services."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cards.blueprint import Blueprint, load_blueprint
from cards.catalog import (
    Catalog,
    load_catalog,
    match_heading,
    name_form,
    parse_catalog,
)
from cards.content import parse_exam
from cards.notes import SourceError, read_notes

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINT = "notes/exam/saa-c03.blueprint.yaml"
CATALOG = "notes/exam/saa-c03.services.yaml"
SEED_NOTES = "notes/design-high-performing-architectures.md"
SEED_EXAM = "notes/design-high-performing-architectures.exam.yaml"
PATH = "notes/exam/x.services.yaml"


@pytest.fixture(scope="module")
def blueprint() -> Blueprint:
    return load_blueprint(ROOT / BLUEPRINT, BLUEPRINT)


@pytest.fixture(scope="module")
def catalog(blueprint: Blueprint) -> Catalog:
    return load_catalog(ROOT / CATALOG, CATALOG, blueprint)


# --- The committed file against the exam guide (v1.0) -------------------------------------------

# The appendix "AWS services and features" of the v1.0 guide, entry by entry.
APPENDIX = {
    "Analytics": [
        "Amazon Athena",
        "AWS Data Exchange",
        "AWS Data Pipeline",
        "Amazon EMR",
        "AWS Glue",
        "Amazon Kinesis",
        "AWS Lake Formation",
        "Amazon Managed Streaming for Apache Kafka (Amazon MSK)",
        "Amazon OpenSearch Service (Amazon Elasticsearch Service)",
        "Amazon QuickSight",
        "Amazon Redshift",
    ],
    "Application Integration": [
        "Amazon AppFlow",
        "AWS AppSync",
        "Amazon EventBridge (Amazon CloudWatch Events)",
        "Amazon MQ",
        "Amazon Simple Notification Service (Amazon SNS)",
        "Amazon Simple Queue Service (Amazon SQS)",
        "AWS Step Functions",
    ],
    "AWS Cost Management": [
        "AWS Budgets",
        "AWS Cost and Usage Report",
        "AWS Cost Explorer",
        "Savings Plans",
    ],
    "Compute": [
        "AWS Batch",
        "Amazon EC2",
        "Amazon EC2 Auto Scaling",
        "AWS Elastic Beanstalk",
        "AWS Outposts",
        "AWS Serverless Application Repository",
        "VMware Cloud on AWS",
        "AWS Wavelength",
    ],
    "Containers": [
        "Amazon Elastic Container Registry (Amazon ECR)",
        "Amazon Elastic Container Service (Amazon ECS)",
        "Amazon ECS Anywhere",
        "Amazon Elastic Kubernetes Service (Amazon EKS)",
        "Amazon EKS Anywhere",
        "Amazon EKS Distro",
    ],
    "Database": [
        "Amazon Aurora",
        "Amazon Aurora Serverless",
        "Amazon DocumentDB (with MongoDB compatibility)",
        "Amazon DynamoDB",
        "Amazon ElastiCache",
        "Amazon Keyspaces (for Apache Cassandra)",
        "Amazon Neptune",
        "Amazon Quantum Ledger Database (Amazon QLDB)",
        "Amazon RDS",
        "Amazon Redshift",
        "Amazon Timestream",
    ],
    "Developer Tools": ["AWS X-Ray"],
    "Front-End Web and Mobile": [
        "AWS Amplify",
        "Amazon API Gateway",
        "AWS Device Farm",
        "Amazon Pinpoint",
    ],
    "Machine Learning": [
        "Amazon Comprehend",
        "Amazon Forecast",
        "Amazon Fraud Detector",
        "Amazon Kendra",
        "Amazon Lex",
        "Amazon Polly",
        "Amazon Rekognition",
        "Amazon SageMaker",
        "Amazon Textract",
        "Amazon Transcribe",
        "Amazon Translate",
    ],
    "Management and Governance": [
        "AWS Auto Scaling",
        "AWS CloudFormation",
        "AWS CloudTrail",
        "Amazon CloudWatch",
        "AWS Command Line Interface (AWS CLI)",
        "AWS Compute Optimizer",
        "AWS Config",
        "AWS Control Tower",
        "AWS License Manager",
        "Amazon Managed Grafana",
        "Amazon Managed Service for Prometheus",
        "AWS Management Console",
        "AWS Organizations",
        "AWS Personal Health Dashboard",
        "AWS Proton",
        "AWS Service Catalog",
        "AWS Systems Manager",
        "AWS Trusted Advisor",
        "AWS Well-Architected Tool",
    ],
    "Media Services": ["Amazon Elastic Transcoder", "Amazon Kinesis Video Streams"],
    "Migration and Transfer": [
        "AWS Application Discovery Service",
        "AWS Application Migration Service (CloudEndure Migration)",
        "AWS Database Migration Service (AWS DMS)",
        "AWS DataSync",
        "AWS Migration Hub",
        "AWS Server Migration Service (AWS SMS)",
        "AWS Snow Family",
        "AWS Transfer Family",
    ],
    "Networking and Content Delivery": [
        "Amazon CloudFront",
        "AWS Direct Connect",
        "Elastic Load Balancing (ELB)",
        "AWS Global Accelerator",
        "AWS PrivateLink",
        "Amazon Route 53",
        "AWS Transit Gateway",
        "Amazon VPC",
        "AWS VPN",
    ],
    "Security, Identity, and Compliance": [
        "AWS Artifact",
        "AWS Audit Manager",
        "AWS Certificate Manager (ACM)",
        "AWS CloudHSM",
        "Amazon Cognito",
        "Amazon Detective",
        "AWS Directory Service",
        "AWS Firewall Manager",
        "Amazon GuardDuty",
        "AWS Identity and Access Management (IAM)",
        "Amazon Inspector",
        "AWS Key Management Service (AWS KMS)",
        "Amazon Macie",
        "AWS Network Firewall",
        "AWS Resource Access Manager (AWS RAM)",
        "AWS Secrets Manager",
        "AWS Security Hub",
        "AWS Shield",
        "AWS Single Sign-On",
        "AWS WAF",
    ],
    "Serverless": ["AWS AppSync", "AWS Fargate", "AWS Lambda"],
    "Storage": [
        "AWS Backup",
        "Amazon Elastic Block Store (Amazon EBS)",
        "Amazon Elastic File System (Amazon EFS)",
        "Amazon FSx (for all types)",
        "Amazon S3",
        "Amazon S3 Glacier",
        "AWS Storage Gateway",
    ],
}


def test_the_appendix_table_is_the_guides_16_categories_and_131_entries(
    blueprint: Blueprint,
) -> None:
    assert list(APPENDIX) == [category.name_en for category in blueprint.categories]
    assert sum(len(entries) for entries in APPENDIX.values()) == 131
    assert len({entry for entries in APPENDIX.values() for entry in entries}) == 129


@pytest.mark.parametrize(
    ("category", "entry"),
    [(category, entry) for category, entries in APPENDIX.items() for entry in entries],
)
def test_every_appendix_entry_is_a_service_in_its_category(
    catalog: Catalog, category: str, entry: str
) -> None:
    [service] = [service for service in catalog.services if service.appendix == entry]
    assert category in [c.name_en for c in service.categories]


def test_no_service_claims_an_entry_the_appendix_does_not_have(catalog: Catalog) -> None:
    entries = {entry for entries in APPENDIX.values() for entry in entries}
    claimed = [service.appendix for service in catalog.services if service.appendix]
    assert sorted(claimed) == sorted(entries)


def test_a_service_outside_the_appendix_is_part_of_one_in_it(catalog: Catalog) -> None:
    for service in catalog.services:
        if not service.appendix:
            assert service.part_of, service.slug
            assert catalog.service(service.part_of).appendix, service.slug


def test_a_part_is_listed_under_its_parents_categories(catalog: Catalog) -> None:
    for service in catalog.services:
        if service.part_of:
            assert service.categories == catalog.service(service.part_of).categories


def test_names_and_aliases_are_unique_across_the_catalog(catalog: Catalog) -> None:
    owner: dict[str, str] = {}
    for service in catalog.services:
        for name in service.names:
            form = name_form(name)
            assert form is not None, name
            assert owner.setdefault(form.core, service.slug) == service.slug, name


def test_slugs_are_unique_and_lookups_find_them(catalog: Catalog) -> None:
    slugs = [service.slug for service in catalog.services]
    assert len(slugs) == len(set(slugs))
    assert all(catalog.service(slug).slug == slug for slug in slugs)
    with pytest.raises(KeyError):
        catalog.service("amazon-lightsail")  # out of scope in the guide


def test_categories_and_task_statements_are_the_blueprints(
    catalog: Catalog, blueprint: Blueprint
) -> None:
    for service in catalog.services:
        assert service.categories, service.slug
        assert all(category in blueprint.categories for category in service.categories)
        assert all(task in blueprint.task_statements for task in service.task_statements)
    used = {category for service in catalog.services for category in service.categories}
    assert used == set(blueprint.categories)


def test_every_service_has_both_summaries_and_an_aws_documentation_url(catalog: Catalog) -> None:
    for service in catalog.services:
        assert any("\uac00" <= char <= "\ud7a3" for char in service.summary), service.slug
        assert service.summary_en.isascii(), service.slug
        url = urlsplit(service.url)
        assert url.scheme == "https", service.slug
        host = url.hostname or ""
        assert host in ("docs.aws.amazon.com", "aws.amazon.com") or host.endswith(
            ".eks.amazonaws.com"
        ), service.url


# The services whose guide text names each task statement, by the file's header rules.
TASK_STATEMENT_SERVICES = {
    "1.1": "aws-control-tower aws-directory-service aws-iam aws-iam-identity-center "
    "aws-organizations aws-sts service-control-policies",
    "1.2": "amazon-cognito amazon-guardduty amazon-macie amazon-vpc aws-client-vpn "
    "aws-direct-connect aws-iam-identity-center aws-secrets-manager aws-shield "
    "aws-site-to-site-vpn aws-vpn aws-waf nat-gateway",
    "1.3": "aws-certificate-manager aws-kms",
    "2.1": "amazon-api-gateway amazon-cloudfront amazon-ecs amazon-eks amazon-rds amazon-sqs "
    "application-load-balancer aws-fargate aws-lambda aws-secrets-manager aws-step-functions "
    "aws-transfer-family elastic-load-balancing",
    "2.2": "amazon-comprehend amazon-polly amazon-rds amazon-rds-proxy amazon-route-53 "
    "amazon-vpc application-load-balancer aws-x-ray elastic-load-balancing",
    "3.1": "amazon-ebs amazon-efs amazon-s3",
    "3.2": "amazon-ec2 amazon-ec2-auto-scaling amazon-ecs amazon-eks amazon-emr aws-auto-scaling "
    "aws-batch aws-fargate aws-lambda",
    "3.3": "amazon-aurora amazon-dynamodb amazon-elasticache amazon-rds",
    "3.4": "amazon-cloudfront amazon-vpc application-load-balancer aws-client-vpn "
    "aws-direct-connect aws-global-accelerator aws-privatelink aws-site-to-site-vpn aws-vpn "
    "elastic-load-balancing",
    "3.5": "amazon-athena amazon-data-firehose amazon-emr amazon-kinesis "
    "amazon-kinesis-data-streams amazon-managed-service-for-apache-flink amazon-quicksight "
    "aws-datasync aws-glue aws-lake-formation aws-storage-gateway",
    "4.1": "amazon-ebs amazon-efs amazon-fsx amazon-fsx-for-lustre amazon-fsx-for-netapp-ontap "
    "amazon-fsx-for-openzfs amazon-fsx-for-windows-file-server amazon-s3 aws-budgets "
    "aws-cost-and-usage-report aws-cost-explorer aws-datasync aws-organizations "
    "aws-storage-gateway aws-transfer-family",
    "4.2": "amazon-ec2 amazon-ec2-reserved-instances amazon-ec2-spot-instances "
    "application-load-balancer aws-budgets aws-cost-and-usage-report aws-cost-explorer "
    "aws-fargate aws-lambda aws-organizations aws-outposts aws-snow-family aws-snowball-edge "
    "elastic-load-balancing gateway-load-balancer network-load-balancer savings-plans",
    "4.3": "amazon-aurora amazon-dynamodb amazon-rds aws-budgets aws-cost-and-usage-report "
    "aws-cost-explorer aws-organizations",
    "4.4": "amazon-cloudfront amazon-route-53 amazon-vpc application-load-balancer aws-budgets "
    "aws-client-vpn aws-cost-and-usage-report aws-cost-explorer aws-direct-connect "
    "aws-global-accelerator aws-organizations aws-site-to-site-vpn aws-transit-gateway aws-vpn "
    "elastic-load-balancing nat-gateway nat-instance vpc-endpoint vpc-peering",
}


@pytest.mark.parametrize(("code", "slugs"), TASK_STATEMENT_SERVICES.items())
def test_each_task_statement_has_the_services_its_guide_text_names(
    catalog: Catalog, blueprint: Blueprint, code: str, slugs: str
) -> None:
    task = blueprint.task_statement(code)
    named = sorted(service.slug for service in catalog.services if task in service.task_statements)
    assert named == sorted(slugs.split())


# The services the exam sets against each other, member for member.
@pytest.mark.parametrize(
    ("group", "members"),
    [
        (
            "load-balancers-and-edge",
            "application-load-balancer network-load-balancer gateway-load-balancer "
            "aws-global-accelerator amazon-cloudfront",
        ),
        (
            "moving-data-into-aws",
            "aws-datasync aws-storage-gateway aws-transfer-family aws-snow-family "
            "aws-snowball-edge",
        ),
        (
            "file-block-object-storage",
            "amazon-efs amazon-fsx-for-lustre amazon-fsx-for-windows-file-server "
            "amazon-fsx-for-netapp-ontap amazon-ebs amazon-s3",
        ),
        (
            "warehouse-and-query-in-s3",
            "amazon-redshift amazon-redshift-spectrum amazon-athena amazon-emr",
        ),
        (
            "messaging-and-events",
            "amazon-sqs amazon-sns amazon-eventbridge amazon-kinesis-data-streams amazon-mq",
        ),
        (
            "streaming-data",
            "amazon-kinesis-data-streams amazon-data-firehose amazon-msk "
            "amazon-managed-service-for-apache-flink",
        ),
        (
            "hybrid-and-vpc-connectivity",
            "aws-direct-connect aws-site-to-site-vpn aws-transit-gateway vpc-peering "
            "aws-privatelink",
        ),
        (
            "secrets-and-keys",
            "aws-secrets-manager aws-systems-manager-parameter-store aws-kms aws-cloudhsm",
        ),
        (
            "threat-protection-and-detection",
            "aws-shield aws-waf amazon-guardduty amazon-inspector amazon-macie",
        ),
        ("audit-and-monitoring", "aws-cloudtrail amazon-cloudwatch aws-config aws-x-ray"),
        (
            "identity-and-sign-in",
            "amazon-cognito aws-iam-identity-center aws-iam aws-directory-service aws-sts",
        ),
        ("choosing-compute", "aws-lambda aws-fargate amazon-ec2 aws-batch"),
        ("container-orchestration", "amazon-ecs amazon-eks aws-fargate"),
        (
            "databases-and-caches",
            "amazon-rds amazon-aurora amazon-dynamodb amazon-elasticache "
            "amazon-dynamodb-accelerator",
        ),
    ],
)
def test_the_exams_contrasts_are_groups(catalog: Catalog, group: str, members: str) -> None:
    [found] = [candidate for candidate in catalog.groups if candidate.slug == group]
    assert [service.slug for service in found.members] == members.split()
    assert found.name and found.name_en


def test_every_group_has_at_least_two_distinct_catalog_members(catalog: Catalog) -> None:
    for group in catalog.groups:
        assert len(group.members) >= 2
        assert len(set(group.members)) == len(group.members)
        assert all(catalog.service(member.slug) is member for member in group.members)


def test_catalog_helpers_list_parts_and_groups(catalog: Catalog) -> None:
    elb = catalog.service("elastic-load-balancing")
    assert [part.slug for part in catalog.parts(elb)] == [
        "application-load-balancer",
        "network-load-balancer",
        "gateway-load-balancer",
    ]
    nlb = catalog.service("network-load-balancer")
    assert [group.slug for group in catalog.groups_of(nlb)] == ["load-balancers-and-edge"]


# --- Matching topic headings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "slugs"),
    [
        # The official name, and the case, spacing and hyphens learners use.
        ("AWS Lambda", ["aws-lambda"]),
        ("aws lambda", ["aws-lambda"]),
        ("AWS-Lambda", ["aws-lambda"]),
        ("Amazon DynamoDB", ["amazon-dynamodb"]),
        ("Dynamo DB", ["amazon-dynamodb"]),
        ("Route53", ["amazon-route-53"]),
        ("data sync", ["aws-datasync"]),
        ("ＡＷＳ Ｌａｍｂｄａ", ["aws-lambda"]),  # full-width letters
        # An alias or abbreviation; "Amazon" and "AWS" swapped or left out.
        ("Lambda", ["aws-lambda"]),
        ("Amazon Lambda", ["aws-lambda"]),
        ("NLB", ["network-load-balancer"]),
        ("EFS", ["amazon-efs"]),
        ("FSx for Lustre", ["amazon-fsx-for-lustre"]),
        ("AWS FSx for Lustre", ["amazon-fsx-for-lustre"]),
        ("Redshift Spectrum", ["amazon-redshift-spectrum"]),
        ("AWS SSO", ["aws-iam-identity-center"]),
        ("Kinesis Data Firehose", ["amazon-data-firehose"]),
        ("CloudWatch Events", ["amazon-eventbridge"]),
        # A plural.
        ("NAT Gateways", ["nat-gateway"]),
        ("Auto Scaling groups", ["amazon-ec2-auto-scaling"]),
        # Korean around the name, and Korean names.
        ("Lambda를 백본으로 쓸 때", ["aws-lambda"]),
        ("람다 계층", ["aws-lambda"]),
        ("다이나모DB 파티션 키 설계", ["amazon-dynamodb"]),
        ("AWS Global Accelerator로 UDP 배포", ["aws-global-accelerator"]),
        ("글로벌 액셀러레이터", ["aws-global-accelerator"]),
        # The longest name wins where names overlap.
        ("Amazon Redshift Spectrum", ["amazon-redshift-spectrum"]),
        ("EC2 Auto Scaling 정책", ["amazon-ec2-auto-scaling"]),
        ("S3 Glacier Deep Archive", ["amazon-s3-glacier"]),
        ("AWS Systems Manager Parameter Store", ["aws-systems-manager-parameter-store"]),
        ("CloudWatch 경보", ["amazon-cloudwatch"]),
        # Two or more candidates, in the order they appear.
        ("ALB vs NLB", ["application-load-balancer", "network-load-balancer"]),
        ("Redshift와 Redshift Spectrum", ["amazon-redshift", "amazon-redshift-spectrum"]),
        ("SQS와 SNS 비교", ["amazon-sqs", "amazon-sns"]),
        ("Lambda와 AWS Lambda", ["aws-lambda"]),  # the same service twice is one candidate
        # None: no service, a name inside a longer word, a generic word that needs "AWS".
        ("데이터 웨어하우스", []),
        ("EC22", []),
        ("I am root", []),
        ("Batch 처리", []),
        ("Config 파일", []),
        ("", []),
    ],
)
def test_a_heading_matches_the_services_it_names(
    catalog: Catalog, heading: str, slugs: list[str]
) -> None:
    match = match_heading(heading, catalog)
    assert [service.slug for service in match.candidates] == slugs
    expected = catalog.service(slugs[0]) if len(slugs) == 1 else None
    assert match.service is expected


def test_a_mention_gives_where_the_name_stands_in_the_text(catalog: Catalog) -> None:
    text = "VPC에 연결된 AWS Lambda 함수와 NAT Gateway"
    mentions = catalog.find(text)
    assert [(text[m.start : m.end], m.service.slug) for m in mentions] == [
        ("VPC", "amazon-vpc"),
        ("AWS Lambda", "aws-lambda"),
        ("NAT Gateway", "nat-gateway"),
    ]


def test_a_web_address_names_no_service_but_its_link_text_does(catalog: Catalog) -> None:
    text = "[AWS Global Accelerator](https://aws.amazon.com/ko/global-accelerator/)가 있음"
    assert [text[m.start : m.end] for m in catalog.find(text)] == ["AWS Global Accelerator"]
    assert catalog.find("https://docs.aws.amazon.com/lambda/latest/dg/welcome.html") == ()


@pytest.mark.parametrize(
    ("heading", "domain", "task"),
    [
        ("Lambda", 3, "3.2"),
        ("Lambda", 2, "2.1"),
        ("Lambda", 4, "4.2"),
        ("Lambda", 1, None),  # the guide names Lambda in no Domain 1 task statement
        ("Amazon S3", 3, "3.1"),
        ("AWS Organizations", 4, None),  # 4.1-4.4 all name it: no single one
        ("AWS Organizations", 1, "1.1"),
        ("Amazon RedShift", 3, None),  # named in no task statement
        ("ALB vs NLB", 3, None),  # two candidates: no service, no task statement
    ],
)
def test_the_task_statement_is_given_when_the_catalog_has_exactly_one_in_the_domain(
    catalog: Catalog, blueprint: Blueprint, heading: str, domain: int, task: str | None
) -> None:
    match = match_heading(heading, catalog, domain=blueprint.domain(domain))
    assert (match.task_statement.code if match.task_statement else None) == task
    if match.service is not None:
        found = catalog.task_statement_in(match.service, blueprint.domain(domain))
        assert found == match.task_statement


def test_without_a_domain_no_task_statement_is_chosen(catalog: Catalog) -> None:
    assert match_heading("Lambda", catalog).task_statement is None


# --- The seed notes ------------------------------------------------------------------------------

SEED_HEADINGS = [
    ("Lambda", "aws-lambda"),
    ("AWS Global Accelerator", "aws-global-accelerator"),
    ("Amazon Redshift", "amazon-redshift"),
    ("Network Load Balancer", "network-load-balancer"),
    ("EC2", "amazon-ec2"),
    ("AWS DataSync", "aws-datasync"),
    ("AWS FSx for Lustre", "amazon-fsx-for-lustre"),
]


def test_every_seed_topic_heading_matches_its_one_service(catalog: Catalog) -> None:
    notes = read_notes(ROOT / SEED_NOTES, SEED_NOTES)
    found = [
        (topic.heading, match_heading(topic.heading, catalog).service) for topic in notes.topics
    ]
    assert [(heading, service.slug if service else None) for heading, service in found] == (
        SEED_HEADINGS
    )
    # A heading that is a service's full name spells it as AWS does ("Redshift", not "RedShift").
    for heading, service in found:
        if service is not None and heading.lower() == service.name.lower():
            assert heading == service.name


# Where the seed's .exam.yaml and the guide's text part ways; the catalog file's header and
# the three entries say why. Every other seed topic must agree with the catalog.
SEED_DISAGREEMENTS = {
    "amazon-redshift": ("3.3", None),  # the guide names Redshift in no task statement
    "network-load-balancer": ("3.4", None),  # only in 4.2
    "amazon-fsx-for-lustre": ("3.1", None),  # "Amazon FSx" only in 4.1
}


def test_the_seed_task_statements_agree_with_the_catalog_in_domain_3(
    catalog: Catalog, blueprint: Blueprint
) -> None:
    exam = parse_exam((ROOT / SEED_EXAM).read_text(encoding="utf-8"), SEED_EXAM)
    domain = blueprint.domain(3)
    disagreements = {}
    for spec in exam.topics:
        service = match_heading(spec.heading, catalog).service
        assert service is not None, spec.heading
        given = catalog.task_statement_in(service, domain)
        if (given.code if given else None) != spec.task_statement:
            disagreements[service.slug] = (spec.task_statement, given.code if given else None)
    assert disagreements == SEED_DISAGREEMENTS


def test_the_seed_service_names_are_the_catalogs_names(catalog: Catalog) -> None:
    """The seed's `service:` (the answer text of its questions) names the same service."""
    exam = parse_exam((ROOT / SEED_EXAM).read_text(encoding="utf-8"), SEED_EXAM)
    for spec in exam.topics:
        assert (
            match_heading(spec.service, catalog).service
            == match_heading(spec.heading, catalog).service
        ), spec.service


# --- Every check, from a small bad file -------------------------------------------------------

GOOD = """\
exam: SAA-C03
services:
  - slug: aws-lambda
    name: AWS Lambda
    appendix: AWS Lambda
    aliases: [Lambda, 람다]
    categories: [Serverless]
    task_statements: ["3.2", 4.2]
    summary: 서버리스 컴퓨팅
    summary_en: Serverless compute
    url: https://docs.aws.amazon.com/lambda/
  - slug: elastic-load-balancing
    name: Elastic Load Balancing
    appendix: Elastic Load Balancing (ELB)
    aliases: [ELB]
    categories: [Networking and Content Delivery]
    task_statements: []
    summary: 로드 밸런싱
    summary_en: Load balancing
    url: https://docs.aws.amazon.com/elasticloadbalancing/
  - slug: network-load-balancer
    name: Network Load Balancer
    part_of: elastic-load-balancing
    aliases: [NLB]
    categories: [Networking and Content Delivery]
    task_statements: ["4.2"]
    summary: 4계층 로드 밸런서
    summary_en: Layer 4 load balancer
    url: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/
    status: Still sold.
groups:
  - slug: compute-and-balancing
    name: 컴퓨팅과 로드 밸런싱
    name_en: Compute and load balancing
    members: [aws-lambda, network-load-balancer]
"""


def test_a_small_good_file_parses(blueprint: Blueprint) -> None:
    catalog = parse_catalog(GOOD, PATH, blueprint)
    lambda_ = catalog.service("aws-lambda")
    assert lambda_.names == ("AWS Lambda", "Lambda", "람다")
    assert [task.code for task in lambda_.task_statements] == ["3.2", "4.2"]
    assert [category.name_en for category in lambda_.categories] == ["Serverless"]
    assert lambda_.line == 3 and lambda_.part_of == "" and lambda_.status == ""
    nlb = catalog.service("network-load-balancer")
    assert (nlb.part_of, nlb.appendix, nlb.status) == ("elastic-load-balancing", "", "Still sold.")
    [group] = catalog.groups
    assert [member.slug for member in group.members] == ["aws-lambda", "network-load-balancer"]
    assert match_heading("NLB와 Lambda", catalog).candidates == (nlb, lambda_)


def problems_of(text: str, blueprint: Blueprint) -> list[str]:
    with pytest.raises(SourceError) as info:
        parse_catalog(text, PATH, blueprint)
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("exam: SAA-C03", "exam: SAA-C02", "1: exam 'SAA-C02' is not the blueprint's 'SAA-C03'"),
        ("    appendix: AWS Lambda", "    apendix: AWS Lambda", "5: unknown key 'apendix'"),
        ("    url: https://docs.aws.amazon.com/lambda/\n", "", "3: a service has no 'url'"),
        ("slug: aws-lambda", "slug: AWS_Lambda", "3: slug 'AWS_Lambda' must be a-z, 0-9"),
        (
            "slug: elastic-load-balancing",
            "slug: aws-lambda",
            "12: slug 'aws-lambda' repeats line 3",
        ),
        (
            "name: Elastic Load Balancing",
            "name: Lambda",
            "13: 'Lambda' reads the same as 'AWS Lambda' of aws-lambda (line 4)",
        ),
        (
            "aliases: [ELB]",
            "aliases: [ELB, lambda]",
            "15: 'lambda' reads the same as 'AWS Lambda' of aws-lambda (line 4)",
        ),
        (
            "aliases: [ELB]",
            "aliases: [ELB, E-LB]",
            "15: 'E-LB' reads the same as 'ELB' of this service",
        ),
        (
            "aliases: [Lambda, 람다]",
            "aliases: [Amazon Lambda]",
            "6: 'Amazon Lambda' reads the same as 'AWS Lambda' of this service",
        ),
        ("aliases: [Lambda, 람다]", "aliases: [Lambda, AWS]", "6: 'AWS' must be a name"),
        ("aliases: [Lambda, 람다]", "aliases: [Lambda!]", "6: 'Lambda!' must be a name"),
        (
            "aliases: [NLB]",
            "aliases: [NLB, ELBs]",
            "24: 'ELBs' reads the same as 'ELB' of elastic-load-balancing (line 15) with a plural",
        ),
        ("aliases: [Lambda, 람다]", "aliases: Lambda", "6: aliases must be a list"),
        ("aliases: [Lambda, 람다]", "aliases: [Lambda, 7]", "6: each of aliases must be text"),
        (
            "categories: [Serverless]",
            "categories: [Servers]",
            "7: category 'Servers' is not one of the blueprint's",
        ),
        (
            "categories: [Serverless]",
            "categories: [Serverless, Serverless]",
            "7: category 'Serverless' is listed twice",
        ),
        ("categories: [Serverless]", "categories: []", "7: a service needs a category"),
        (
            'task_statements: ["3.2", 4.2]',
            'task_statements: ["3.6"]',
            "8: task statement '3.6' is not one of the blueprint's",
        ),
        (
            'task_statements: ["3.2", 4.2]',
            'task_statements: ["3.2", "3.2"]',
            "8: task statement '3.2' is listed twice",
        ),
        (
            'task_statements: ["3.2", 4.2]',
            "task_statements: [{code: 3.2}]",
            '8: each task statement must be a code written "<domain>.<n>"',
        ),
        (
            "url: https://docs.aws.amazon.com/lambda/",
            "url: http://docs.aws.amazon.com/lambda/",
            "11: url must start with https://",
        ),
        (
            "url: https://docs.aws.amazon.com/lambda/",
            "url: https://docs.aws.amazon.com/" + "x" * 200,
            "11: url is longer than 200 characters",
        ),
        ("summary: 서버리스 컴퓨팅", 'summary: ""', "9: summary is empty"),
        (
            "part_of: elastic-load-balancing",
            "part_of: elb",
            "23: part_of 'elb' is not a service of the catalog",
        ),
        (
            "part_of: elastic-load-balancing",
            "part_of: network-load-balancer",
            "23: a service cannot be part of itself",
        ),
        (
            "    appendix: Elastic Load Balancing (ELB)",
            "    part_of: aws-lambda",
            "23: part_of 'elastic-load-balancing', which is itself part of 'aws-lambda'",
        ),
        (
            "appendix: Elastic Load Balancing (ELB)",
            "appendix: AWS Lambda",
            "12: appendix entry 'AWS Lambda' repeats line 3",
        ),
        (
            "members: [aws-lambda, network-load-balancer]",
            "members: [aws-lambda, amazon-s3]",
            "35: member 'amazon-s3' is not a service of the catalog",
        ),
        (
            "members: [aws-lambda, network-load-balancer]",
            "members: [aws-lambda, aws-lambda]",
            "35: member 'aws-lambda' is listed twice",
        ),
        (
            "members: [aws-lambda, network-load-balancer]",
            "members: [aws-lambda]",
            "35: a group needs at least two members",
        ),
        ("  - slug: compute-and-balancing", "  - slug: Compute", "32: slug 'Compute' must be a-z"),
        ("services:", "servicez:", "2: unknown key 'servicez' in the file"),
        (
            "  - slug: aws-lambda\n",
            "  - just text\n  - slug: aws-lambda\n",
            "3: a service must be a mapping",
        ),
        (
            "    name: AWS Lambda",
            "    name: AWS Lambda\n    name: Lambda",
            "5: a service repeats the key 'name'",
        ),
        ("    name: AWS Lambda", "    name: [AWS Lambda", "5: while parsing a flow sequence"),
    ],
)
def test_each_problem_is_reported_at_its_line(
    blueprint: Blueprint, old: str, new: str, problem: str
) -> None:
    assert old in GOOD
    problems = problems_of(GOOD.replace(old, new, 1), blueprint)
    assert any(line.startswith(f"{PATH}:{problem}") for line in problems), problems


def test_a_group_slug_used_twice_is_reported_at_the_second(blueprint: Blueprint) -> None:
    group = GOOD[GOOD.index("  - slug: compute-and-balancing") :]
    problems = problems_of(GOOD + group, blueprint)
    assert problems == [f"{PATH}:36: group slug 'compute-and-balancing' repeats line 32"]


def test_all_problems_of_a_file_come_together_in_line_order(blueprint: Blueprint) -> None:
    text = GOOD.replace("categories: [Serverless]", "categories: [Servers]").replace(
        "members: [aws-lambda, network-load-balancer]", "members: [aws-lambda, amazon-s3]"
    )
    assert problems_of(text, blueprint) == [
        f"{PATH}:7: category 'Servers' is not one of the blueprint's",
        f"{PATH}:35: member 'amazon-s3' is not a service of the catalog",
    ]


def test_an_unreadable_file_is_a_problem_without_a_line(
    tmp_path: Path, blueprint: Blueprint
) -> None:
    with pytest.raises(SourceError) as info:
        load_catalog(tmp_path / "missing.yaml", "notes/exam/missing.yaml", blueprint)
    assert str(info.value).startswith("notes/exam/missing.yaml: cannot read:")


def test_a_bad_file_on_disk_names_its_path_and_line(tmp_path: Path, blueprint: Blueprint) -> None:
    bad = tmp_path / "bad.services.yaml"
    bad.write_text(GOOD.replace("categories: [Serverless]", "categories: [IoT]"), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_catalog(bad, "notes/exam/bad.services.yaml", blueprint)
    assert str(info.value) == (
        "notes/exam/bad.services.yaml:7: category 'IoT' is not one of the blueprint's"
    )


@pytest.mark.parametrize(
    ("name", "tokens", "vendor"),
    [
        ("AWS Lambda", ("lambda",), True),
        ("Lambda", ("lambda",), False),
        ("Amazon DynamoDB", ("dynamo", "db"), True),
        ("Route 53", ("route", "53"), False),
        ("Amazon Keyspaces (for Apache Cassandra)", ("keyspaces",), True),
        ("Site-to-Site VPN", ("site", "to", "site", "vpn"), False),
        ("다이나모DB", ("다이나모", "db"), False),
        ("AWS", None, None),
        ("(only parentheses)", None, None),
    ],
)
def test_name_forms(name: str, tokens: tuple[str, ...] | None, vendor: bool | None) -> None:
    form = name_form(name)
    if tokens is None:
        assert form is None
    else:
        assert form is not None
        assert (form.tokens, form.vendor) == (tokens, vendor)


@pytest.mark.parametrize(
    "text",
    [
        "Put the orders on an Amazon SQS queue, then SNS fans out.",
        "ElastiCache or an Elastic Load Balancer in front of EC2 Auto Scaling",
        "CloudFront caches S3 Glacier? No: S3, EBS, EFS and FSx for Lustre.",
        "Route53 failover with health checks; AWS WAF on the ALB and NLB.",
        "https://docs.aws.amazon.com/global-accelerator/ Global Accelerator",
        "람다와 다이나모DB, 그리고 kinesis data streams",
        "nothing about any service at all",
    ],
)
def test_the_word_index_finds_what_every_pattern_finds(text: str) -> None:
    from dataclasses import replace

    from cards.examfiles import exam_files

    catalog = exam_files().catalog
    assert catalog.words is not None
    assert catalog.find(text) == replace(catalog, words=None).find(text)

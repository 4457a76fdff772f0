import "../shared/base.css";
import { startI18n } from "../shared/i18n";

startI18n();

import workerpool from 'workerpool';
import { addOne, spin } from './tasks.mjs';

workerpool.worker({ addOne, spin });
